import IPCKit

/// How `watch` draws: on a terminal, a whole screen at a time in the alternate screen (as top
/// does), each line cut to the width and the rest of the screen cleared; on a pipe, plain
/// tables one after another. Every byte of a name is escaped before it gets here (cells are
/// list's); the only escape sequences written are this file's.
struct WatchScreen {
  /// SGR attributes: only on a terminal, and never where NO_COLOR is set (no-color.org).
  var color: Bool

  /// The alternate screen on, the cursor hidden, lines not wrapped at the margin.
  static let enter = "\u{1B}[?1049h\u{1B}[?25l\u{1B}[?7l"
  /// Each undone, in the reverse order.
  static let leave = "\u{1B}[?7h\u{1B}[?25h\u{1B}[?1049l"

  /// The first line: the time, the interval, how many objects and what changed, /dev/shm.
  static func status(
    _ frame: WatchFrame, shown: Int, interval: Double, now: Int
  ) -> String {
    let objects = frame.rows.count - frame.goneCount
    var line = "ipctool watch  \(timeText(now, .standard))  every \(secondsText(interval))"
    line += "  \(objects) \(objects == 1 ? "object" : "objects")"
    if frame.newCount > 0 || frame.goneCount > 0 { line += " (\(frame.newCount) new, \(frame.goneCount) gone)" }
    if shown != frame.rows.count { line += ", \(shown) shown" }
    if let space = frame.shmSpace {
      let percent = space.size > 0 ? Int((Double(space.used) * 100 / Double(space.size)).rounded()) : 0
      line += "  /dev/shm \(ByteSize.human(space.used)) of \(ByteSize.human(space.size)) used (\(percent)%)"
    }
    return line
  }

  /// The second line: the keys, the order and the filter (or the filter being typed).
  static func keys(_ view: WatchView, columns: [WatchColumn]) -> String {
    if let editing = view.editing {
      return "filter by name prefix (Enter applies, Esc leaves): " + Escaping.escape(editing) + "_"
    }
    var order = "listing order"
    if let index = view.sortColumn, index < columns.count {
      let column = columns[index]
      order = "by " + column.header + ((column.highestFirst != view.reversed) ? " (highest first)" : "")
    } else if view.reversed {
      order = "listing order, reversed"
    }
    var line = "q quit  < > sort: \(order)  r reverse  / filter"
    if let filter = view.filter { line += ": " + Escaping.escape(filter) }
    if let problem = view.problem { line += "  " + problem }
    return line + "  space refresh"
  }

  /// One screen: the heading lines, the table (as many rows as fit: the caller made no more)
  /// and, when rows were left out, a line saying how many; each line cut to `width`, drawn
  /// from the top left, each line's rest and the screen below cleared, so nothing of the
  /// screen before remains.
  func terminalFrame(heading: [String], table: [String], hidden: Int, height: Int, width: Int)
    -> String
  {
    var lines = heading.map { cut($0, to: width) }
    var body = table
    if hidden > 0 {
      body.append(
        cut("… \(hidden) more \(hidden == 1 ? "row" : "rows") (sort or filter to see others)", to: width))
    }
    // A line as wide as the screen leaves the cursor on its last column, where erasing to the
    // end of the line would erase that column's character: such a line has nothing to erase.
    var full = (lines + body).map { displayWidth($0) >= width }
    if color, !body.isEmpty {
      full[lines.count] = true  // padded to the width below
      body[0] = "\u{1B}[7m" + body[0]
        + String(repeating: " ", count: max(0, width - displayWidth(body[0]))) + "\u{1B}[0m"
    }
    if color, !lines.isEmpty { lines[0] = "\u{1B}[1m" + lines[0] + "\u{1B}[0m" }
    lines += body
    var screen = "\u{1B}[H"
    for (index, line) in lines.prefix(height).enumerated() {
      screen += (index > 0 ? "\r\n" : "") + line + (full[index] ? "" : "\u{1B}[K")
    }
    return screen + "\u{1B}[J"
  }

  /// A table for a pipe or a file: the status line, the table, a blank line.
  static func plainFrame(status: String, table: [ByteBuffer]) -> [ByteBuffer] {
    let first = ByteBuffer(capacity: 128)
    first.append(status + "\n")
    let end = ByteBuffer(capacity: 1)
    end.append(UInt8(ascii: "\n"))
    return [first] + table + [end]
  }
}

/// "2s", "0.5s", "1.25s".
func secondsText(_ seconds: Double) -> String {
  if seconds == seconds.rounded() { return "\(Int(seconds))s" }
  return "\(seconds)s"
}
