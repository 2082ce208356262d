import Glibc

/// Ending the process by a signal, as if it had not been caught.
public enum SignalCalls {
  /// Ends the process by `signal` with its default action (a closed pipe: SIGPIPE, which a
  /// shell reads as 141 and says nothing of), once the caller has cleaned up.
  ///
  /// The corresponding C calls are `signal(2)` and `raise(3)`.
  public static func endBy(_ signal: CInt) -> Never {
    _ = Glibc.signal(signal, SIG_DFL)
    var unblocked = sigset_t()
    sigemptyset(&unblocked)
    sigaddset(&unblocked, signal)
    sigprocmask(SIG_UNBLOCK, &unblocked, nil)
    raise(signal)
    _exit(128 + signal)
  }
}
