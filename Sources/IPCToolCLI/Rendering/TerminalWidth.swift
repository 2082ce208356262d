import Glibc

/// The width of the terminal standard output is, as lsipc and ls read it; nil when standard
/// output is a pipe or a file (a table is then never cut) or the terminal tells no width.
///
/// The corresponding C call is `ioctl(1, TIOCGWINSZ)`; `$COLUMNS` stands in where the terminal
/// answers 0 (a serial console).
func terminalWidth() -> Int? {
  guard isatty(1) == 1 else { return nil }
  var size = winsize()
  if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
  return getenv("COLUMNS").flatMap { Int(String(cString: $0)) }.flatMap { $0 > 0 ? $0 : nil }
}
