import CIPCShims
import Glibc

/// Sending signals, and the stop signals pi watches for, each call wrapped once.
public enum Signals {
  /// Sends `signal` to `pid`; signal 0 asks only whether it exists and may be signalled.
  /// Non-throwing: it also runs on pi's failure paths.
  ///
  /// The corresponding C call is `kill(2)`.
  static func send(_ signal: CInt, to pid: pid_t) -> Result<Void, Errno> {
    valueOrErrno { kill(pid, signal) }.map { _ in () }
  }

  /// Whether a process has this pid now: it exists even where we may not signal it (EPERM).
  static func processExists(_ pid: pid_t) -> Bool {
    switch send(0, to: pid) {
    case .success: true
    case .failure(let code): code == .notPermitted
    }
  }

  /// Starts noting SIGINT, SIGTERM, SIGHUP and SIGALRM (pi's stop signals and timer) instead
  /// of dying of them.
  ///
  /// The corresponding C call is `sigaction(2)` (in CIPCShims).
  public static func startWatching() { ipcshim_watch_signals_start() }

  /// Puts the dispositions back as they were.
  public static func stopWatching() { ipcshim_watch_signals_stop() }

  /// The stop signal noted since watching began; 0 if none.
  public static var stopSignal: CInt { ipcshim_stop_signal() }

  /// Ignores every stop signal (pi's reaper, which must outlive a Ctrl-C).
  static func ignoreStopSignals() { ipcshim_ignore_stop_signals() }
}
