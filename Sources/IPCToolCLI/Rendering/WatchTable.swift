import IPCKit

/// `watch`'s table: a mark (`+` new, `-` gone) and the chosen columns, padded as list pads
/// them. On a terminal only the rows that fit are made, and columns that do not fit go; on a
/// pipe every row is made and nothing is cut.
struct WatchTable {
  let columns: [WatchColumn]
  /// The columns that may go, in this order, when a terminal is too narrow (none with -o).
  var droppable: [String] = []

  /// The header and one line per row (no newline), fitted to `width` columns when given:
  /// columns dropped first, then each line cut (never wrapped). Cells are escaped already.
  func lines(
    _ rows: ArraySlice<WatchRow>, width: Int?, context: (WatchRow) -> ListContext
  ) -> [String] {
    let cells = rows.map { row in
      let rowContext = context(row)
      return [mark(row.mark)] + columns.map { $0.value(row, rowContext) }
    }
    let headers = [" "] + columns.map(\.header)
    var widths = headers.map(displayWidth)
    for row in cells {
      for (index, cell) in row.enumerated() { widths[index] = max(widths[index], displayWidth(cell)) }
    }
    var shown = Array(widths.indices)
    if let width {
      for name in droppable where total(widths, shown) > width {
        if let index = columns.firstIndex(where: { $0.name == name }) {
          shown.removeAll { $0 == index + 1 }
        }
      }
    }
    let right = [false] + columns.map { $0.alignment == .right }
    return ([headers] + cells).map { row in
      var line = ""
      for (position, index) in shown.enumerated() {
        let cell = row[index]
        let padding = String(repeating: " ", count: widths[index] - displayWidth(cell))
        let last = position == shown.count - 1
        line += right[index] ? padding + cell : cell + (last ? "" : padding)
        if !last { line += index == 0 ? " " : "  " }
      }
      guard let width, displayWidth(line) > width else { return line }
      return cut(line, to: width)
    }
  }

  private func mark(_ mark: WatchRow.Mark) -> String {
    switch mark {
    case .new: "+"
    case .gone: "-"
    case .present: " "
    }
  }

  private func total(_ widths: [Int], _ shown: [Int]) -> Int {
    shown.reduce(0) { $0 + widths[$1] } + 2 * max(0, shown.count - 1) - (shown.first == 0 ? 1 : 0)
  }
}

/// `text` cut to at most `width` columns, whole characters only: a terminal's line that must
/// not wrap.
func cut(_ text: String, to width: Int) -> String {
  var kept = ""
  var used = 0
  for character in text {
    let columns = displayWidth(String(character))
    guard used + columns <= width else { break }
    kept.append(character)
    used += columns
  }
  return kept
}
