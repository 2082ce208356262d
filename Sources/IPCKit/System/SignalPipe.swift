import CIPCShims
import Glibc

/// Signals as bytes on a pipe (the self-pipe trick), for a loop that polls its terminal and
/// must hear SIGINT, SIGTERM and SIGWINCH between two reads: the handler (in CIPCShims) only
/// writes the signal's number, on whichever thread the kernel delivers it to, and the loop
/// reads it back with `pending()` once `readEnd` is readable.
public final class SignalPipe {
  /// Polled beside the terminal: readable once a signal came.
  public let readEnd: CInt
  private let writeEnd: CInt
  private let signals: [CInt]

  /// Starts sending `signals` to the pipe instead of their default actions.
  ///
  /// The corresponding C calls are `pipe2(2)` (close-on-exec, non-blocking) and `sigaction(2)`.
  public init(_ signals: [CInt]) throws(SystemError) {
    var ends: [CInt] = [-1, -1]
    try retryingOnInterrupt("pipe2") { ipcshim_signal_pipe_open(&ends) }
    (readEnd, writeEnd, self.signals) = (ends[0], ends[1], signals)
    ipcshim_signal_pipe_start(writeEnd, signals, CInt(signals.count))
  }

  /// The signals that came since the last call, in order; none when none came.
  ///
  /// The corresponding C call is `read(2)` on the non-blocking read end.
  public func pending() -> [CInt] {
    var found: [CInt] = []
    var buffer = [UInt8](repeating: 0, count: 64)
    while true {
      let count = buffer.withUnsafeMutableBytes { Descriptors.read(readEnd, into: $0) }
      guard case .success(let read) = count, read > 0 else { break }
      found += buffer[..<read].map { CInt($0) }
    }
    return found
  }

  /// Gives the signals their default actions back and closes the pipe.
  public func stop() {
    ipcshim_signal_pipe_stop(signals, CInt(signals.count))
    Descriptors.close(readEnd)
    Descriptors.close(writeEnd)
  }

  /// Stops the process as SIGTSTP's default action would (Ctrl-Z, once the caller has put its
  /// terminal back), and returns when it is continued (`fg`), the pipe hearing SIGTSTP again.
  ///
  /// The corresponding C calls are `sigaction(2)` and `raise(3)`.
  public func suspendProcess() {
    ipcshim_signal_pipe_stop([SIGTSTP], 1)
    raise(SIGTSTP)
    ipcshim_signal_pipe_start(writeEnd, [SIGTSTP], 1)
  }
}
