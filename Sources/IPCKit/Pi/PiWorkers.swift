import Glibc

/// The forked workers of one run: started together, watched while the parent waits, and always
/// reaped, however the run ends.
final class PiWorkers {
  private(set) var pids: [pid_t] = []
  private var exits: [pid_t: ChildExit] = [:]
  /// When the run must be over (CLOCK_MONOTONIC seconds), and the timeout it came from.
  var deadline: (at: Double, seconds: Double)?

  /// Forks `count` workers running `body(worker)`. A child runs arithmetic and raw system calls
  /// only, then `_exit`s: nothing buffered in the parent is flushed twice.
  init(count: Int, _ body: (Int) -> CInt) throws(PiError) {
    let parent = getpid()
    for worker in 0..<count {
      switch Children.fork() {
      case .success(0):
        Children.afterFork(parent: parent)
        _exit(body(worker))
      case .success(let pid):
        pids.append(pid)
      case .failure(let code):
        stopAll()
        throw .setup(
          IPCError(
            operation: "pi", subject: "worker \(worker)", SystemError(call: "fork", code: code),
            hint: code == .resourceTemporarilyUnavailable
              ? .processLimit : nil))
      }
    }
  }

  /// Throws if a stop signal came, the deadline passed or a worker ended badly; reaps workers
  /// that ended well.
  func check() throws(PiError) {
    let signal = Signals.stopSignal
    if signal != 0 { throw .stopped(signal: signal) }
    if let deadline, Clock.monotonicSeconds() >= deadline.at {
      let late = pids.enumerated().filter { exits[$0.element] == nil }
        .map { LateWorker(worker: $0.offset, pid: $0.element) }
      throw .timedOut(mechanism: nil, seconds: deadline.seconds, late: late)
    }
    while let (pid, status) = Children.wait(-1, noHang: true) {
      try record(pid, status)
    }
  }

  /// Waits for every worker, watching for signals and failures meanwhile.
  func waitAll() throws(PiError) {
    while exits.count < pids.count {
      switch Children.waitInterruptibly(-1) {
      case .success(let (pid, status)): try record(pid, status)
      case .failure(.interrupted): try check()
      case .failure: return  // ECHILD: nothing left to wait for
      }
    }
  }

  /// Kills the workers still running and reaps them all; used on every failure path.
  func stopAll() {
    for pid in pids where exits[pid] == nil { _ = Signals.send(SIGKILL, to: pid) }
    for pid in pids where exits[pid] == nil {
      _ = Children.wait(pid)
      exits[pid] = .signaled(SIGKILL)
    }
  }

  /// True when every worker has been reaped and the process has no other child.
  var allReaped: Bool {
    exits.count == pids.count && !Children.haveAny
  }

  private func record(_ pid: pid_t, _ status: CInt) throws(PiError) {
    let exit = Children.exit(fromStatus: status)
    // The only other child is the cleanup helper, which ends only when told to.
    guard pids.contains(pid) else { throw .cleanupHelperDied(pid: pid, exit: exit) }
    exits[pid] = exit
    guard exit.isSuccess else {
      throw .workerFailed(
        mechanism: nil, worker: pids.firstIndex(of: pid) ?? -1, pid: pid, exit: exit)
    }
  }
}
