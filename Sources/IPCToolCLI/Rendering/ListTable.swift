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

  /// One chunk's cells, row after row: made on the thread that read the objects.
  func cells(_ objects: [IPCObjectInfo]) -> [String] {
    var chunkContext = context
    chunkContext.times = TimeTexts(format: context.times.format)  // each thread its own
    var cells: [String] = []
    cells.reserveCapacity(objects.count * columns.count)
    for object in objects {
      for column in columns { cells.append(column.value(object, chunkContext)) }
    }
    return cells
  }

  /// The heading and the lines, padded now that every cell's width is known.
  func render(cells: [[String]]) -> [ByteBuffer] {
    guard format == .aligned else { return renderForScripts(cells: cells) }
    var widths = columns.map { headings ? displayWidth($0.header) : 0 }
    for chunk in cells {
      for (index, cell) in chunk.enumerated() {
        widths[index % columns.count] = max(widths[index % columns.count], displayWidth(cell))
      }
    }
    let heading = ByteBuffer(capacity: 128)
    if headings { write(columns.map(\.header)[...], widths, to: heading) }
    let threads = usefulThreads(for: cells.reduce(0) { $0 + $1.count } / columns.count)
    let lines = inParallel(chunks: chunked(cells.count, size: 1), threads: threads) { range in
      let chunk = cells[range.lowerBound]
      let out = ByteBuffer(capacity: chunk.count * 12)
      for row in stride(from: 0, to: chunk.count, by: columns.count) {
        write(chunk[row..<row + columns.count], widths, to: out)
      }
      return out
    }
    return [heading] + lines
  }

  private func renderForScripts(cells: [[String]]) -> [ByteBuffer] {
    let out = ByteBuffer(capacity: cells.reduce(0) { $0 + $1.count } * 16 + 128)
    let keys = columns.map { format == .pairs(shellNames: true) ? Self.shellName($0.header) : $0.header }
    if headings && format == .raw {
      out.append(keys.joined(separator: " ") + "\n")
    }
    for chunk in cells {
      for row in stride(from: 0, to: chunk.count, by: columns.count) {
        for index in 0..<columns.count {
          if index > 0 { out.append(UInt8(ascii: " ")) }
          let cell = chunk[row + index]
          guard format != .raw else {
            out.append(cell.contains(" ") ? cell.replacing(" ", with: "\\x20") : cell)
            continue
          }
          // Single quotes, in which a shell reads no byte but the closing quote: a backslash
          // or dollar there is literal in every locale. (Inside double quotes, bash under GBK or
          // BIG5 reads a UTF-8 character's last byte and the escaping backslash after it as one
          // character, and the '$' that follows runs.) A quote is written '\'' : its backslash
          // follows the closing quote, never a non-ASCII byte.
          out.append(keys[index] + "='")
          for byte in cell.utf8 {
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

  private func write(_ cells: ArraySlice<String>, _ widths: [Int], to out: ByteBuffer) {
    for (index, cell) in cells.enumerated() {
      let last = index == cells.count - 1
      let padding = widths[index] - displayWidth(cell)
      if columns[index].alignment == .right { out.appendSpaces(padding) }
      out.append(cell)
      if columns[index].alignment == .left && !last { out.appendSpaces(padding) }
      if !last { out.append("  " as StaticString) }
    }
    out.append(UInt8(ascii: "\n"))
  }
}

/// The columns a cell takes: its bytes when ASCII, as nearly every cell is (counting
/// Characters is slow), else its Characters.
func displayWidth(_ text: String) -> Int {
  var text = text
  let ascii = text.withUTF8 { bytes in bytes.allSatisfy { $0 < 0x80 } ? bytes.count : nil }
  return ascii ?? text.count
}
