import Glibc

/// A terminal's line discipline as it was, kept to be put back, and the mode a full-screen
/// program reads keys in.
public struct TerminalMode: @unchecked Sendable {
  private let fd: CInt
  private let saved: termios

  /// The settings of the terminal on `fd` now; nil for no terminal.
  ///
  /// The corresponding C call is `tcgetattr(3)`.
  public static func current(_ fd: CInt) -> TerminalMode? {
    var settings = termios()
    guard tcgetattr(fd, &settings) == 0 else { return nil }
    return TerminalMode(fd: fd, saved: settings)
  }

  /// Keys one at a time, not echoed, a read returning at once with what is there. ISIG stays
  /// on: Ctrl-C and Ctrl-Z still send SIGINT and SIGTSTP, which the caller handles.
  ///
  /// The corresponding C call is `tcsetattr(3)`.
  public func enterKeyMode() {
    var keys = saved
    keys.c_lflag &= ~tcflag_t(ICANON | ECHO)
    withUnsafeMutableBytes(of: &keys.c_cc) { cc in
      cc[Int(VMIN)] = 0
      cc[Int(VTIME)] = 0
    }
    apply(keys)
  }

  /// Puts the settings back as `current` found them.
  public func restore() { apply(saved) }

  private func apply(_ settings: termios) {
    var settings = settings
    _ = valueOrErrno { tcsetattr(fd, TCSADRAIN, &settings) }
  }
}
