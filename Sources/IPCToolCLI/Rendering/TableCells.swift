/// One run of `list`'s rows, cell after cell, as bytes in one buffer: where each cell ends, how
/// many terminal columns it takes, and each column's widest. A listing runs to tens of
/// thousands of rows of seven cells; a String per cell was most of its time (and its memory).
final class TableCells {
  let columnCount: Int
  /// Every cell's bytes, one after the other, escaped already.
  let bytes: ByteBuffer
  // Not checked for exclusive access at run time (as ByteBuffer's): a run's cells are made by
  // one thread, and read only once made.
  /// Where each cell's bytes end, row after row.
  @exclusivity(unchecked) private(set) var ends: [UInt32] = []
  /// Each cell's display width (see `displayWidth`).
  @exclusivity(unchecked) private(set) var widths: [UInt32] = []
  /// The widest cell of each column.
  @exclusivity(unchecked) private(set) var widest: [Int]

  init(columns: Int, rows: Int) {
    columnCount = columns
    bytes = ByteBuffer(capacity: rows * columns * 12 + 64)
    ends.reserveCapacity(rows * columns)
    widths.reserveCapacity(rows * columns)
    widest = [Int](repeating: 0, count: columns)
  }

  var count: Int { ends.count }

  /// Closes the cell written to `bytes` since the last: measured here, once, for both the
  /// widths and the padding. Nearly every cell is ASCII, whose bytes are its columns; another
  /// is measured as text.
  func endCell() {
    let start = ends.last.map(Int.init) ?? 0
    let cell = UnsafeBufferPointer(start: bytes.base + start, count: bytes.count - start)
    var ascii = true
    for byte in cell where byte >= 0x80 {
      ascii = false
      break
    }
    let width = ascii ? cell.count : displayWidth(String(decoding: cell, as: UTF8.self))
    let column = ends.count % columnCount
    widest[column] = max(widest[column], width)
    ends.append(UInt32(bytes.count))
    widths.append(UInt32(width))
  }

  /// Cell `index`'s bytes (valid while nothing more is written).
  func cell(_ index: Int) -> UnsafeBufferPointer<UInt8> {
    let start = index == 0 ? 0 : Int(ends[index - 1])
    return UnsafeBufferPointer(start: bytes.base + start, count: Int(ends[index]) - start)
  }

  /// Cell `index` as text, for what is rare: a cell elided to fit a terminal.
  func text(_ index: Int) -> String { String(decoding: cell(index), as: UTF8.self) }

  func width(_ index: Int) -> Int { Int(widths[index]) }
}
