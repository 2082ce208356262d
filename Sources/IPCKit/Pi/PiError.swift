import Glibc

/// How a pi run can fail: values, which the command line words.
public enum PiError: Error, Sendable {
  /// A stop signal arrived (HUP, INT, QUIT, TERM, USR1, USR2, PIPE, ALRM); everything was
  /// removed. Exit 128 + signal.
  case stopped(signal: CInt)
  /// The cleanup helper ended before the run did (someone killed it); everything was removed.
  case cleanupHelperDied(pid: pid_t, exit: ChildExit?)
  /// The deadline (--timeout) passed with workers still running; they were killed and
  /// everything removed.
  case timedOut(mechanism: PiMechanism?, seconds: Double, late: [LateWorker])
  /// A worker died or failed; the others were stopped and everything removed.
  case workerFailed(mechanism: PiMechanism?, worker: Int, pid: pid_t, exit: ChildExit)
  /// Setting up a mechanism failed (a limit, a permission).
  case setup(IPCError)
  /// The workers ended without delivering every slice.
  case incomplete(mechanism: String, received: Int, expected: Int)
}

/// A worker that had not finished when the deadline passed.
public struct LateWorker: Sendable, Equatable {
  public var worker: Int
  public var pid: pid_t
}

/// How a child process ended.
public enum ChildExit: Equatable, Sendable {
  case exited(CInt)
  case signaled(CInt)

  public var isSuccess: Bool { self == .exited(0) }
}
