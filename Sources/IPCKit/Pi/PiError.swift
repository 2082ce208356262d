import Glibc

/// How a pi run can fail: values, which the command line words.
public enum PiError: Error, Sendable {
  /// SIGINT or SIGTERM arrived; everything was removed. Exit 128 + signal.
  case stopped(signal: CInt)
  /// A worker died or failed; the others were stopped and everything removed.
  case workerFailed(mechanism: PiMechanism?, worker: Int, pid: pid_t, exit: ChildExit)
  /// Setting up a mechanism failed (a limit, a permission).
  case setup(IPCError)
  /// The workers ended without delivering every slice.
  case incomplete(mechanism: String, received: Int, expected: Int)
}

/// How a child process ended.
public enum ChildExit: Equatable, Sendable {
  case exited(CInt)
  case signaled(CInt)

  public var isSuccess: Bool { self == .exited(0) }
}
