import Glibc
import IPCKit

/// The width of the terminal standard output is, as lsipc and ls read it; nil when standard
/// output is a pipe or a file (a table is then never cut) or the terminal tells no width.
///
/// The corresponding C call is `ioctl(1, TIOCGWINSZ)`; `$COLUMNS` stands in where the terminal
/// answers 0 (a serial console).
func terminalWidth() -> Int? {
  guard let columns = Terminal.columns(1) else { return nil }
  if columns > 0 { return columns }
  return getenv("COLUMNS").flatMap { Int(String(cString: $0)) }.flatMap { $0 > 0 ? $0 : nil }
}
