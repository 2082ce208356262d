import Glibc

/// One way of carrying partial sums to the parent. Created in the parent, used on both sides of
/// fork: the `worker...` and `send` calls run in the children, the rest in the parent.
protocol PiTransport: AnyObject {
  /// Kernel objects created (a pipe, a queue, a segment and a semaphore...).
  var objectsCreated: Int { get }
  /// Whether anything it makes outlives the run's processes (a named or System V object), so
  /// that a cleanup helper must watch for the parent's death. Pipes and sockets die with them.
  var outlivesProcesses: Bool { get }
  /// In a worker, first: close what it does not use.
  func workerStarted(_ worker: Int)
  /// In a worker: deliver one slice's sum. False if the mechanism failed.
  func send(slice: Int, sum: Double) -> Bool
  /// In the parent once every worker runs: drop its own copies of the workers' ends, and
  /// names nobody needs any more.
  func workersStarted()
  /// In the parent: the series' sum, once every slice has been delivered.
  func collect(_ plan: PiPlan, _ workers: PiWorkers) throws(PiError) -> Double
  /// Removes every object and closes every descriptor; safe to call twice.
  func remove()
  /// Objects of this run the kernel still has, checked by name or id.
  func leftovers() -> Int
}

/// What a message carries: the slice and its sum, 16 bytes (atomic in a pipe).
struct PiRecord {
  var slice: Int64
  var sum: Double

  static let size = MemoryLayout<PiRecord>.size
}

/// Gathers per-slice sums in any order into one exact sum, so every mechanism returns the same
/// bits whatever the order, in memory that does not grow with the slices.
struct SliceSums {
  private let expected: Int
  private var sum = ExactSum()
  private(set) var received = 0

  init(count: Int) { expected = count }

  var isComplete: Bool { received >= expected }

  mutating func add(_ record: PiRecord) {
    guard (0..<Int64(expected)).contains(record.slice) else { return }
    sum.add(record.sum)
    received += 1
  }

  var total: Double { sum.value }
}

/// A unique name for this run's POSIX objects, recognizable after a crash by prefix and pid:
/// "/ipctool-pi-PID-RANDOM-shm". The random part makes a name nobody can take first: a name
/// another user planted is never this run's to use, or to unlink.
func piObjectName(_ suffix: String) -> IPCName {
  let random = String(UInt32.random(in: 0...UInt32.max), radix: 16)
  return IPCName(fileName: Array("ipctool-pi-\(getpid())-\(random)-\(suffix)".utf8))
}

/// Converts a failed setup call into the run's error.
func setupFailure(_ error: SystemError, _ subject: String, hint: IPCError.Hint? = nil) -> PiError {
  .setup(IPCError(operation: "pi", subject: subject, error, hint: hint))
}

extension IPCError {
  /// A create that failed while setting up a run, named as pi's failure.
  var asPiSetup: IPCError {
    var error = self
    error.operation = "pi"
    return error
  }
}
