/// One run of `list`'s rows, cell after cell, as bytes in one buffer: where each cell ends, how
/// many terminal columns it takes, and each column's widest. A listing runs to tens of
/// thousands of rows of seven cells; a String per cell was most of its time (and its memory).
final class TableCells {
  let columnCount: Int
  /// Every cell's bytes, one after the other, escaped already.
  let bytes: ByteBuffer
  // The counters are not checked for exclusive access at run time (as ByteBuffer's fields):
  // a run's cells are made by one thread, and read only once made.
  /// How many cells are closed; room for `capacity` (a row of every column per row asked for).
  @exclusivity(unchecked) private(set) var count = 0
  private let capacity: Int
  /// Where each cell's bytes end, and its display width (see `displayWidth`), cell after cell:
  /// allocated once, as many as the rows make, so closing a cell is two stores.
  private let ends: UnsafeMutablePointer<UInt32>
  private let widths: UnsafeMutablePointer<UInt32>
  /// The widest cell of each column.
  @exclusivity(unchecked) private(set) var widest: [Int]
  /// The column the next cell is in.
  @exclusivity(unchecked) private var column = 0

  init(columns: Int, rows: Int) {
    columnCount = columns
    capacity = max(1, rows * columns)
    bytes = ByteBuffer(capacity: rows * columns * 12 + 64)
    ends = .allocate(capacity: capacity)
    widths = .allocate(capacity: capacity)
    widest = [Int](repeating: 0, count: columns)
  }

  deinit {
    ends.deallocate()
    widths.deallocate()
  }

  /// Closes the cell written to `bytes` since the last: measured here, once, for both the
  /// widths and the padding. Nearly every cell is ASCII, whose bytes are its columns; another
  /// is measured as text.
  func endCell() {
    precondition(count < capacity, "more cells than the rows asked for")
    let start = count == 0 ? 0 : Int(ends[count - 1])
    let cell = UnsafeBufferPointer(start: bytes.base + start, count: bytes.count - start)
    var bits: UInt8 = 0
    for byte in cell { bits |= byte }  // no branch per byte: cells are short
    let width = bits < 0x80 ? cell.count : displayWidth(String(decoding: cell, as: UTF8.self))
    if width > widest[column] { widest[column] = width }
    column = column + 1 == columnCount ? 0 : column + 1
    ends[count] = UInt32(bytes.count)
    widths[count] = UInt32(width)
    count += 1
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
