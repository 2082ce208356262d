import IPCKit

/// `list`'s table: a row per object under the headers, each cell padded to its column's widest,
/// two spaces apart. Listings run to tens of thousands of rows, so cells are made as objects
/// are read, lines written on all cores, and all of it written out as bytes.
///
/// For scripts, as lsipc and lsblk print them: `raw`, cells one space apart, unpadded, a
/// space inside a cell written as \x20 (so a line splits on spaces into its cells); `pairs`,
/// `REF='posix-shm:/x' OWNER='root'`, single-quoted so that a shell's eval gives back each cell
/// as shown, in any locale (with `shellNames`, keys usable as shell variables). Cells are escaped already (see
/// `Escaping`): no control byte is in them.
struct ListTable {
  enum Format: Equatable {
    case aligned, raw
    case pairs(shellNames: Bool)
  }

  let columns: [ListColumn]
  let context: ListContext
  let headings: Bool
  var format = Format.aligned
  /// A terminal's width, which an aligned table is fitted to; nil on a pipe or in a file,
  /// where nothing is ever cut.
  var terminalWidth: Int?
  /// Columns the caller did not ask for by name (no -o), which may go, in this order, when the
  /// terminal is too narrow even for elided cells.
  var droppable: [String] = []

  /// One chunk's cells, row after row: written on the thread that read the objects, each
  /// column's straight into the chunk's bytes where it can (`ListColumn.write`).
  func cells(_ objects: [IPCObjectInfo]) -> TableCells {
    var ownContext = context
    ownContext.times = TimeTexts(format: context.times.format)  // each thread its own
    let chunkContext = ownContext  // a constant, lent to each cell's closure as it is
    let cells = TableCells(columns: columns.count, rows: objects.count)
    let out = cells.bytes
    // Each column read in place: one copied per cell would retain its every name and list, and
    // its closure taken out into an array of its own is called through a thunk that copies the
    // object and the context. Each object is copied once, for its row (read where it lies,
    // through a buffer pointer, it was copied for each cell: a closure might change it).
    for object in objects {
      for index in columns.indices {
        if let write = columns[index].write {
          write(object, chunkContext, out)
        } else {
          out.append(columns[index].value(object, chunkContext))
        }
        cells.endCell()
      }
    }
    return cells
  }

  /// The heading and the lines, padded now that every cell's width is known.
  func render(cells: [TableCells]) -> [ByteBuffer] {
    guard format == .aligned else { return renderForScripts(cells: cells) }
    let count = columns.count
    let threads = usefulThreads(for: cells.reduce(0) { $0 + $1.count } / count)
    var widths = columns.map { headings ? displayWidth($0.header) : 0 }
    for chunk in cells {
      for index in widths.indices { widths[index] = max(widths[index], chunk.widest[index]) }
    }
    let fitted = terminalWidth.map { fit(widths, to: $0) } ?? widths.map { Optional($0) }
    // A line's padding and spaces: at most its columns' widths and two spaces each.
    let shown = fitted.compactMap { $0 }
    let spacing = shown.reduce(0, +) + 2 * shown.count + 1
    let heading = ByteBuffer(capacity: 128)
    // Read once, not a column copied per cell.
    let alignments = columns.map(\.alignment)
    if headings { writeHeading(fitted, alignments, to: heading) }
    let lines = inParallel(chunks: chunked(cells.count, size: 1), threads: threads) { range in
      let chunk = cells[range.lowerBound]
      // Room for every line, so the buffer is not grown and copied.
      let rows = chunk.count / max(count, 1)
      let out = ByteBuffer(capacity: chunk.bytes.count + rows * spacing + 64)
      for row in stride(from: 0, to: chunk.count, by: count) {
        write(row: row, of: chunk, fitted, alignments, to: out)
      }
      return out
    }
    return [heading] + lines
  }

  /// Each column's width on a terminal `limit` wide, nil for a column left out: as lsipc
  /// does, the elidable columns (`ListColumn.narrowest`: room for a pid and a program's and
  /// script's names; never a reference, which must stay pasteable) give way first, then the columns nobody asked for by name go
  /// (`droppable`, in its order), and the elided ones take back what that freed. A table still
  /// too wide after that wraps, whole.
  func fit(_ widths: [Int], to limit: Int) -> [Int?] {
    var fitted: [Int?] = widths
    func total() -> Int {
      let shown = fitted.compactMap { $0 }
      return shown.reduce(0, +) + 2 * max(0, shown.count - 1)
    }
    let elided = columns.indices.filter { columns[$0].narrowest != nil }
    for index in elided { fitted[index] = min(widths[index], columns[index].narrowest ?? 0) }
    for name in droppable where total() > limit {
      if let index = columns.firstIndex(where: { $0.name == name }) { fitted[index] = nil }
    }
    for index in elided {
      guard let width = fitted[index], limit > total() else { continue }
      fitted[index] = min(widths[index], width + limit - total())
    }
    return fitted
  }

  private func renderForScripts(cells: [TableCells]) -> [ByteBuffer] {
    let out = ByteBuffer(capacity: cells.reduce(0) { $0 + $1.bytes.count + $1.count * 4 } + 128)
    let keys = columns.map { format == .pairs(shellNames: true) ? Self.shellName($0.header) : $0.header }
    if headings && format == .raw {
      out.append(keys.joined(separator: " ") + "\n")
    }
    for chunk in cells {
      for row in stride(from: 0, to: chunk.count, by: columns.count) {
        for index in 0..<columns.count {
          if index > 0 { out.append(UInt8(ascii: " ")) }
          let cell = chunk.cell(row + index)
          guard format != .raw else {
            for byte in cell {
              if byte == UInt8(ascii: " ") { out.append("\\x20" as StaticString) } else { out.append(byte) }
            }
            continue
          }
          // Single quotes, in which a shell reads no byte but the closing quote: a backslash
          // or dollar there is literal in every locale. (Inside double quotes, bash under GBK or
          // BIG5 reads a UTF-8 character's last byte and the escaping backslash after it as one
          // character, and the '$' that follows runs.) A quote is written '\'' : its backslash
          // follows the closing quote, never a non-ASCII byte.
          out.append(keys[index] + "='")
          for byte in cell {
            if byte == UInt8(ascii: "'") {
              out.append("'\\''" as StaticString)
            } else {
              out.append(byte)
            }
          }
          out.append(UInt8(ascii: "'"))
        }
        out.append(UInt8(ascii: "\n"))
      }
    }
    return [out]
  }

  /// A header as a shell variable's name: letters, digits and underscores, not first a digit.
  static func shellName(_ header: String) -> String {
    let name = String(header.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
    return name.first?.isNumber == true ? "_" + name : name
  }

  /// The header line, laid out as the rows are.
  private func writeHeading(
    _ widths: [Int?], _ alignments: [ListColumn.Alignment], to out: ByteBuffer
  ) {
    let headers = TableCells(columns: columns.count, rows: 1)
    for column in columns {
      headers.bytes.append(column.header)
      headers.endCell()
    }
    write(row: 0, of: headers, widths, alignments, to: out)
  }

  /// One line; a cell wider than its column (elided to fit a terminal) ends in "…".
  private func write(
    row: Int, of cells: TableCells, _ widths: [Int?], _ alignments: [ListColumn.Alignment],
    to out: ByteBuffer
  ) {
    let lastShown = widths.lastIndex { $0 != nil } ?? 0
    for index in widths.indices {
      guard let width = widths[index] else { continue }
      let last = index == lastShown
      let cellWidth = cells.width(row + index)
      // Nearly every cell fits, and is copied as it is.
      let elided = cellWidth > width ? elide(cells.text(row + index), to: width) : nil
      let padding = width - (elided.map(displayWidth) ?? cellWidth)
      let alignment = alignments[index]
      if alignment == .right { out.appendSpaces(padding) }
      if let elided {
        out.append(elided)
      } else {
        out.append(UnsafeRawBufferPointer(cells.cell(row + index)))
      }
      if alignment == .left && !last { out.appendSpaces(padding) }
      if !last { out.append("  " as StaticString) }
      if last { break }
    }
    out.append(UInt8(ascii: "\n"))
  }
}
