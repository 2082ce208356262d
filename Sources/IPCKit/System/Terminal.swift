import Glibc

/// What the terminal on a descriptor tells, each call wrapped once.
public enum Terminal {
  /// The terminal's width in columns; nil when the descriptor is no terminal (a pipe, a
  /// file), 0 when it tells none (a serial console).
  ///
  /// The corresponding C calls are `isatty(3)` and `ioctl(2)` with TIOCGWINSZ.
  public static func columns(_ fd: CInt) -> Int? {
    guard isatty(fd) == 1 else { return nil }
    var size = winsize()
    return ioctl(fd, UInt(TIOCGWINSZ), &size) == 0 ? Int(size.ws_col) : 0
  }
}
