import IPCKit

/// What the keys of `watch` change: the column rows sort by, its direction, the name filter,
/// and the filter being typed. Pure: given the bytes a terminal sent, it says what to do.
struct WatchView {
  enum Action: Equatable {
    case nothing
    /// The view changed: draw the last frame again.
    case redraw
    /// Read again now.
    case refresh
    case quit
  }

  /// An index into the shown columns; nil for listing order.
  var sortColumn: Int?
  var reversed = false
  /// The name prefix rows are filtered by, as typed (escaped as list prints names).
  var filter: String?
  /// The filter being typed after `/`; nil when none is.
  var editing: String?
  /// Why the last filter typed was refused.
  var problem: String?

  /// Does what `bytes` (one read of the terminal) ask, for a table of `columnCount` columns.
  mutating func press(_ bytes: [UInt8], columnCount: Int) -> Action {
    var action = Action.nothing
    var index = 0
    while index < bytes.count {
      let byte = bytes[index]
      index += 1
      // An escape sequence (an arrow, a function key) is skipped whole: ESC [ ... final byte.
      if byte == 0x1B && index < bytes.count && (bytes[index] == UInt8(ascii: "[") || bytes[index] == UInt8(ascii: "O")) {
        index += 1
        while index < bytes.count && !(0x40...0x7E).contains(bytes[index]) { index += 1 }
        index += 1
        continue
      }
      let next = editing != nil ? type(byte) : key(byte, columnCount: columnCount)
      if next == .quit { return .quit }
      if next != .nothing && action != .refresh { action = next }
    }
    return action
  }

  /// A key outside the filter's line.
  private mutating func key(_ byte: UInt8, columnCount: Int) -> Action {
    switch byte {
    case UInt8(ascii: "q"), UInt8(ascii: "Q"): return .quit
    case UInt8(ascii: ">"), UInt8(ascii: "s"):
      sortColumn = sortColumn.map { $0 + 1 < columnCount ? $0 + 1 : nil } ?? 0
    case UInt8(ascii: "<"):
      sortColumn = sortColumn.map { $0 > 0 ? $0 - 1 : nil } ?? columnCount - 1
    case UInt8(ascii: "r"), UInt8(ascii: "R"): reversed.toggle()
    case UInt8(ascii: "/"), UInt8(ascii: "f"):
      editing = filter ?? ""
      problem = nil
    case UInt8(ascii: " "): return .refresh
    default: return .nothing
    }
    return .redraw
  }

  /// A byte typed into the filter's line: Enter applies it (empty: none), Esc leaves it as
  /// it was, Backspace takes back a character.
  private mutating func type(_ byte: UInt8) -> Action {
    switch byte {
    case 0x0D, 0x0A:
      let text = editing ?? ""
      editing = nil
      filter = text.isEmpty || text == "/" ? nil : text
      if let filter, (try? Escaping.unescape(filter)) == nil {
        problem = "invalid filter '\(Escaping.escape(filter))': a backslash starts \\xHH or \\\\"
        self.filter = nil
      }
    case 0x1B: editing = nil
    case 0x7F, 0x08:
      if editing?.isEmpty == false { editing?.removeLast() }
    case 0x20...0x7E: editing?.append(Character(Unicode.Scalar(byte)))
    default: return .nothing  // other control bytes and non-ASCII: type them escaped (\xff)
    }
    return .redraw
  }

  /// The name prefix the filter asks for, as bytes with its leading "/"; nil for none.
  var filterBytes: [UInt8]? {
    guard let filter, let bytes = try? Escaping.unescape(filter) else { return nil }
    return bytes.first == UInt8(ascii: "/") ? bytes : [UInt8(ascii: "/")] + bytes
  }

  /// The rows to show: the filter's (named objects whose name starts with it), in the order
  /// chosen (ties in listing order).
  func arrange(_ rows: [WatchRow], columns: [WatchColumn], context: (WatchRow) -> ListContext)
    -> [WatchRow]
  {
    var rows = rows
    if let prefix = filterBytes {
      rows = rows.filter { $0.object.name.map { $0.bytes.starts(with: prefix) } ?? false }
    }
    guard let sortColumn, sortColumn < columns.count else {
      return reversed ? rows.reversed() : rows
    }
    let column = columns[sortColumn]
    let descending = column.highestFirst != reversed
    var keyed = rows.enumerated().map { (column.sortKey($1, context($1)), $0, $1) }
    keyed.sort { left, right in
      // An unknown value last either way; ties in listing order.
      if left.0 == .none || right.0 == .none || left.0 == right.0 {
        return (left.0 == .none ? 1 : 0, left.1) < (right.0 == .none ? 1 : 0, right.1)
      }
      return descending ? left.0 > right.0 : left.0 < right.0
    }
    return keyed.map(\.2)
  }
}
