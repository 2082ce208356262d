import Glibc

/// How a pi run can fail.
public enum PiError: Error, CustomStringConvertible, Sendable {
  /// SIGINT or SIGTERM arrived; everything was removed. Exit 128 + signal.
  case stopped(signal: CInt)
  /// A worker died or failed; the others were stopped and everything removed.
  case workerFailed(worker: Int, pid: pid_t, exit: ChildExit)
  /// Setting up a mechanism failed (a limit, a permission).
  case setup(IPCError)
  /// The workers ended without delivering every slice.
  case incomplete(mechanism: String, received: Int, expected: Int)

  public var description: String {
    switch self {
    case .stopped(let signal): "stopped by \(signalName(signal)); everything it made was removed"
    case .workerFailed(let worker, let pid, let exit):
      "worker \(worker) (pid \(pid)) \(exit); the run was stopped and everything it made removed"
    case .setup(let error): error.description
    case .incomplete(let mechanism, let received, let expected):
      "\(mechanism): the workers delivered \(received) of \(expected) partial sums"
    }
  }
}

/// How a child process ended.
public enum ChildExit: Equatable, Sendable, CustomStringConvertible {
  case exited(CInt)
  case signaled(CInt)

  public var isSuccess: Bool { self == .exited(0) }

  public var description: String {
    switch self {
    case .exited(let code): "exited with status \(code)"
    case .signaled(let signal): "was killed by \(signalName(signal))"
    }
  }
}

/// "signal 9 (Killed)".
func signalName(_ signal: CInt) -> String {
  let text = strsignal(signal).map { String(cString: $0) } ?? "unknown"
  return "signal \(signal) (\(text))"
}
