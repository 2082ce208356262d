import Glibc

extension Terminal {
  /// The terminal's rows and columns; nil when the descriptor is no terminal or tells no size
  /// (a serial console answers 0).
  ///
  /// The corresponding C call is `ioctl(2)` with TIOCGWINSZ.
  public static func size(_ fd: CInt) -> (rows: Int, columns: Int)? {
    var size = winsize()
    guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0, size.ws_col > 0 else {
      return nil
    }
    return (Int(size.ws_row), Int(size.ws_col))
  }

  /// Whether the descriptor is a terminal.
  ///
  /// The corresponding C call is `isatty(3)`.
  public static func isTerminal(_ fd: CInt) -> Bool { isatty(fd) == 1 }
}
