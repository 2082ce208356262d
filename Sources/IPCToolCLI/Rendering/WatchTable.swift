import IPCKit

/// `watch`'s table: a mark (`+` new, `-` gone) and the chosen columns, padded as list pads
/// them. On a terminal only the rows that fit are made, and columns that do not fit go; on a
/// pipe every row is made and nothing is cut. A refresh must cost no more than a `list`, so,
/// as list's table does, cells and lines are made on all cores and written as bytes.
struct WatchTable {
  let columns: [WatchColumn]
  /// The columns that may go, in this order, when a terminal is too narrow (none with -o).
  var droppable: [String] = []
  /// The rows and cells of the last table made, for the next to take again.
  let memo = CellMemo()

  /// What one table made, kept for the next: a refresh shows the same objects in the same
  /// places, mostly unchanged, and a cell that only its object decides (`WatchColumn.byObject`)
  /// is the same for an object equal to the one in that place before.
  final class CellMemo {
    var rows: ArraySlice<WatchRow> = []
    /// Cells by chunk of `chunkRows` rows, row after row, as `lines` makes them.
    var cells: [[String]] = []
  }

  /// The rows one thread makes cells for at a time.
  static let chunkRows = 1024

  /// The header and one line per row, each ending in a newline, fitted to `width` columns
  /// when given: columns dropped first, then each line cut (never wrapped). Cells are escaped
  /// already. `contexts` renders each namespace's rows (by inode; nil for the one namespace).
  func lines(
    _ rows: ArraySlice<WatchRow>, width: Int?, contexts: [UInt64?: ListContext]
  ) -> [ByteBuffer] {
    let count = columns.count + 1
    let threads = usefulThreads(for: rows.count)
    // Each chunk's cells, row after row, and its widest cell per column, measured on the
    // thread that made them.
    let (before, beforeCells) = (memo.rows, memo.cells)
    let byObject = columns.map(\.byObject)
    let made: [(cells: [String], widest: [Int])] = rows.withUnsafeBufferPointer { rows in
      inParallel(chunks: chunked(rows.count, size: Self.chunkRows), threads: threads) { range in
        // Each thread its own time texts (they remember their last answer).
        let local = contexts.mapValues { context in
          var context = context
          context.times = TimeTexts(format: context.times.format)
          return context
        }
        let fallback = local.values.first ?? ListContext(users: UserNames(), exactBytes: false)
        var cells: [String] = []
        cells.reserveCapacity(range.count * count)
        var widest = [Int](repeating: 0, count: count)
        // A namespace's rows come together: its context is looked up once per run of them.
        var context = fallback
        var contextInode: UInt64?? = .none
        for index in range {
          // Copied out once, as list's table takes each object: a row read out of the array
          // for each cell was copied for each (a retain and a release of its every name and
          // list), which cost as much as making the cells.
          let row = rows[index]
          let inode = row.namespace?.inode
          if contextInode != .some(inode) {
            context = local[inode] ?? fallback
            contextInode = .some(inode)
          }
          cells.append(Self.mark(row.mark))
          widest[0] = 1
          // The same object, unchanged, in this place last time: its own cells are as made then.
          let kept: [String]? =
            if index < before.count, Self.same(before[before.startIndex + index], row) {
              beforeCells[index / Self.chunkRows]
            } else {
              nil
            }
          let keptRow = index % Self.chunkRows * count
          // Each column read in place, list's cell made straight from the object (as list's
          // table does): through an array of closures, each call went through a thunk that
          // copied the row and the context.
          for column in columns.indices {
            let cell =
              if let kept, byObject[column] {
                kept[keptRow + column + 1]
              } else if let listValue = columns[column].listValue {
                listValue(row.object, context)
              } else {
                columns[column].value(row, context)
              }
            widest[column + 1] = max(widest[column + 1], displayWidth(cell))
            cells.append(cell)
          }
        }
        return (cells, widest)
      }
    }
    memo.rows = rows
    memo.cells = made.map(\.cells)
    let headers = [" "] + columns.map(\.header)
    var widths = headers.map(displayWidth)
    for chunk in made {
      for index in widths.indices { widths[index] = max(widths[index], chunk.widest[index]) }
    }
    var shown = Array(widths.indices)
    if let width {
      // REF gets what the other columns leave (one long name must not push them all off, as
      // anyone may make one), never less than its narrowest; only when even that does not fit
      // do the droppable columns go, REF taking back what each frees.
      let reference = columns.firstIndex { $0.name == "ref" }.map { $0 + 1 }
      let natural = reference.map { widths[$0] } ?? 0
      func fitReference() {
        guard let reference else { return }
        widths[reference] = natural
        let over = total(widths, shown) - width
        if over > 0 { widths[reference] = max(min(natural, Self.narrowestReference), natural - over) }
      }
      fitReference()
      for name in droppable where total(widths, shown) > width {
        if let index = columns.firstIndex(where: { $0.name == name }) {
          shown.removeAll { $0 == index + 1 }
          fitReference()
        }
      }
    }
    let right = [false] + columns.map { $0.alignment == .right }
    let layout = Layout(widths: widths, shown: shown, right: right, limit: width)
    let heading = ByteBuffer(capacity: 256)
    layout.write(headers[...], to: heading)
    let body = inParallel(chunks: chunked(made.count, size: 1), threads: threads) { range in
      let chunk = made[range.lowerBound].cells
      let out = ByteBuffer(capacity: chunk.count * 10)
      for row in stride(from: 0, to: chunk.count, by: count) {
        layout.write(chunk[row..<row + count], to: out)
      }
      return out
    }
    return [heading] + body
  }

  /// Whether two rows show the same object as it was: equal in every field the kernel gave,
  /// from the same namespace.
  private static func same(_ a: WatchRow, _ b: WatchRow) -> Bool {
    a.namespace?.inode == b.namespace?.inode && a.object == b.object
  }

  /// The fewest columns a cut REF keeps: its kind and the start of a name.
  static let narrowestReference = 20

  private static func mark(_ mark: WatchRow.Mark) -> String {
    switch mark {
    case .new: "+"
    case .gone: "-"
    case .present: " "
    }
  }

  private func total(_ widths: [Int], _ shown: [Int]) -> Int {
    shown.reduce(0) { $0 + widths[$1] } + 2 * max(0, shown.count - 1) - (shown.first == 0 ? 1 : 0)
  }

  /// Where each cell goes: the columns shown, their widths and alignment, the width a line is
  /// cut to.
  private struct Layout {
    let widths: [Int]
    let shown: [Int]
    let right: [Bool]
    let limit: Int?

    /// One line: the mark one space from the first column, the rest two apart.
    func write(_ row: ArraySlice<String>, to out: ByteBuffer) {
      guard let limit else { return writeWhole(row, to: out) }
      var line = ""
      for (position, index) in shown.enumerated() {
        var cell = row[row.startIndex + index]
        var cellWidth = displayWidth(cell)
        if cellWidth > widths[index] {  // a REF cut to fit
          cell = elide(cell, to: widths[index])
          cellWidth = displayWidth(cell)
        }
        let padding = widths[index] - cellWidth
        let last = position == shown.count - 1
        if right[index] { line.append(String(repeating: " ", count: padding)) }
        line.append(cell)
        if !right[index] && !last { line.append(String(repeating: " ", count: padding)) }
        if !last { line.append(index == 0 ? " " : "  ") }
      }
      if displayWidth(line) > limit { line = cut(line, to: limit) }
      out.append(line)
      out.append(UInt8(ascii: "\n"))
    }

    /// A line never cut (a pipe's, where every row is written and no column is narrowed, so
    /// no cell is wider than its column): written as bytes, as list's table is, with no line
    /// built as a String first, which cost more than making the cells.
    private func writeWhole(_ row: ArraySlice<String>, to out: ByteBuffer) {
      for (position, index) in shown.enumerated() {
        let cell = row[row.startIndex + index]
        let cellWidth = displayWidth(cell)
        // Never wider on a pipe, where columns are as wide as their widest cell; but should
        // one be, it is cut as a terminal's is, not let out of line.
        let elided = cellWidth > widths[index] ? elide(cell, to: widths[index]) : nil
        let padding = widths[index] - (elided.map(displayWidth) ?? cellWidth)
        let last = position == shown.count - 1
        if right[index] { out.appendSpaces(padding) }
        if let elided { out.append(elided) } else { out.append(cell) }
        if !right[index] && !last { out.appendSpaces(padding) }
        if !last { out.append(index == 0 ? " " as StaticString : "  ") }
      }
      out.append(UInt8(ascii: "\n"))
    }
  }
}

/// `text` cut to at most `width` columns, whole characters and escapes only: a terminal's
/// line that must not wrap.
func cut(_ text: String, to width: Int) -> String {
  cutWhole(text, to: width)
}
