import CIPCShims
import Glibc

/// One mechanism's outcome.
public struct PiResult: Sendable {
  public var mechanism: PiMechanism
  public var plan: PiPlan
  public var pi: Double
  public var seconds: Double
  public var objectsCreated: Int
  public var objectsLeft: Int
  public var descriptorsLeft: Int
  public var processesLeft: Int
  /// The series' sum the run delivered, what the closed form says it must be, and how far a
  /// correct run may be from it (see `PiSeries`).
  public var sum: Double
  public var expectedSum: Double
  public var tolerance: Double

  public var error: Double { abs(pi - Double.pi) }
  /// Slices delivered per second: messages, or lock hand-offs for shared memory.
  public var messagesPerSecond: Double { Double(plan.slices) / max(seconds, 1e-9) }
  public var isClean: Bool { objectsLeft == 0 && descriptorsLeft == 0 && processesLeft == 0 }
  /// How far the sum is from the closed form's.
  public var deviation: Double { abs(sum - expectedSum) }
  public var isRight: Bool { deviation <= tolerance }
  /// Right value and nothing left behind.
  public var isGood: Bool { isClean && isRight }
}

/// Runs the forked computation over one mechanism at a time and proves it left nothing.
public struct PiRunner {
  public let plan: PiPlan
  public let context: IPCContext
  public var paths: IPCPaths { context.paths }
  /// When every run must be over (--timeout): CLOCK_MONOTONIC seconds, and the timeout.
  public var deadline: (at: Double, seconds: Double)?

  public init(plan: PiPlan, context: IPCContext, timeout: Double? = nil) {
    self.plan = plan
    self.context = context
    deadline = timeout.map { (Clock.monotonicSeconds() + $0, $0) }
  }

  /// Watches SIGINT/SIGTERM and interrupts blocking waits while `body` runs.
  public static func watchingSignals<T>(_ body: () throws(PiError) -> T) throws(PiError) -> T {
    Signals.startWatching()
    defer { Signals.stopWatching() }
    return try body()
  }

  /// The computation over `mechanism`. On any failure every worker is killed and reaped and
  /// every object removed before the error is thrown.
  public func run(_ mechanism: PiMechanism) throws(PiError) -> PiResult {
    let descriptorsBefore = openDescriptors()
    let started = Clock.monotonicSeconds()
    let transport = try makeTransport(mechanism)
    // Removes the objects should this process be killed outright.
    let reaper = transport.outlivesProcesses ? PiReaper(removing: transport) : nil
    defer {
      transport.remove()
      reaper?.dismiss()  // a no-op once dismissed below
    }
    let plan = self.plan
    let workers = try PiWorkers(count: plan.workers) { worker in
      transport.workerStarted(worker)
      for slice in plan.slices(for: worker) {
        guard transport.send(slice: slice, sum: plan.partialSum(slice)) else { return 3 }
      }
      return 0
    }
    workers.deadline = deadline
    let sum: Double
    do {
      transport.workersStarted()
      sum = try transport.collect(plan, workers)
      try workers.waitAll()
    } catch {
      workers.stopAll()
      // Name the mechanism: the run may have gone through several before this one.
      switch error {
      case .workerFailed(nil, let worker, let pid, let exit):
        throw .workerFailed(mechanism: mechanism, worker: worker, pid: pid, exit: exit)
      case .timedOut(nil, let seconds, let late):
        throw .timedOut(mechanism: mechanism, seconds: seconds, late: late)
      default: throw error
      }
    }
    let seconds = Clock.monotonicSeconds() - started
    transport.remove()
    // Its work is done, but a helper someone killed is news: a run that could not have
    // cleaned up after a crash is not a clean run.
    if let reaper, let exit = reaper.dismiss() { throw .cleanupHelperDied(pid: reaper.pid, exit: exit) }
    let pi = PiPlan.pi(fromSum: sum)
    return PiResult(
      mechanism: mechanism, plan: plan, pi: pi, seconds: seconds,
      objectsCreated: transport.objectsCreated, objectsLeft: transport.leftovers(),
      descriptorsLeft: openDescriptors().subtracting(descriptorsBefore).count,
      processesLeft: workers.allReaped ? 0 : 1, sum: sum,
      expectedSum: PiSeries.expectedSum(terms: plan.terms),
      tolerance: PiSeries.tolerance(terms: plan.terms, longestSlice: plan.longestSlice))
  }

  private func makeTransport(_ mechanism: PiMechanism) throws(PiError) -> any PiTransport {
    switch mechanism {
    case .pipe: try PipeTransport()
    case .socketpair: try SocketPairTransport(workers: plan.workers)
    case .posixQueue: try PosixQueueTransport(slices: plan.slices, paths: paths)
    case .sysvQueue: try SysVQueueTransport(paths: paths)
    case .posixSharedMemory: try PosixSharedMemoryTransport(paths: paths)
    case .sysvSharedMemory: try SysVSharedMemoryTransport(paths: paths)
    }
  }
}

/// The descriptors this process has open now.
func openDescriptors() -> Set<CInt> {
  guard let directory = try? FileDescriptor.open("/proc/self/fd", O_RDONLY | O_DIRECTORY),
    let entries = try? directory.directoryEntries()
  else { return [] }
  return Set(entries.compactMap { CInt(String(decoding: $0.name, as: UTF8.self)) }
    .filter { $0 != directory.raw })
}
