import Glibc

/// One of /proc/sysvipc/{msg,shm,sem}: a header of column names, then a row per object.
///
/// It lists every object in the IPC namespace, also those the caller may not IPC_STAT. Parsed
/// as bytes, with every row's fields in one array and columns looked up by name once per
/// table: with 32,000 objects the table is megabytes.
final class SysVProcTable {
  /// A column found by name in the header; rows are read through it.
  struct Column {
    fileprivate let index: Int?
  }

  struct Row {
    let table: SysVProcTable
    /// Where this row's fields start in `table.fields`.
    let first: Int

    func number<T: FixedWidthInteger>(_ column: Column, as: T.Type = T.self) -> T? {
      field(column).flatMap { parseInteger(table.bytes[$0], radix: 10) }
    }

    /// An octal field, such as perms "1600".
    func octal(_ column: Column) -> UInt32? {
      field(column).flatMap { parseInteger(table.bytes[$0], radix: 8) }
    }

    /// By name, for the occasional lookup; listings resolve their columns once.
    func number<T: FixedWidthInteger>(_ name: String, as: T.Type = T.self) -> T? {
      number(table.column(name), as: T.self)
    }

    private func field(_ column: Column) -> Range<Int>? {
      column.index.map { table.fields[first + $0] }
    }
  }

  let bytes: [UInt8]
  private let columns: [String: Int]
  /// The fields of every row, row after row, `columns.count` each.
  private let fields: [Range<Int>]
  private let rowCount: Int

  func column(_ name: String) -> Column { Column(index: columns[name]) }

  var rows: [Row] { (0..<rowCount).map { Row(table: self, first: $0 * columns.count) } }

  /// The rows ordered by a numeric column (the id), as listings show them.
  func rowsSorted(by column: Column) -> [Row] {
    rows.map { ($0.number(column, as: Int64.self) ?? 0, $0) }.sorted { $0.0 < $1.0 }.map(\.1)
  }

  /// Parses the table; columns are found by name, so kernels that add columns still parse.
  /// Rows with fewer fields than the header are left out; extra fields are ignored.
  init(bytes: [UInt8]) {
    self.bytes = bytes
    var columns: [String: Int] = [:]
    var fields: [Range<Int>] = []
    var line: [Range<Int>] = []
    var rowCount = 0
    func endLine() {
      if columns.isEmpty {
        for (index, range) in line.enumerated() {
          columns[String(decoding: bytes[range], as: UTF8.self)] = index
        }
      } else if line.count >= columns.count {
        fields += line.prefix(columns.count)
        rowCount += 1
      }
      line.removeAll(keepingCapacity: true)
    }
    var start: Int? = nil
    for (index, byte) in bytes.enumerated() {
      if byte == 0x0A || byte == 0x20 || byte == 0x09 {
        if let begin = start { line.append(begin..<index) }
        start = nil
        if byte == 0x0A { endLine() }
      } else if start == nil {
        start = index
      }
    }
    if let begin = start { line.append(begin..<bytes.count) }
    endLine()
    self.columns = columns
    self.fields = fields
    self.rowCount = columns.isEmpty ? 0 : rowCount
  }

  convenience init(text: String) { self.init(bytes: Array(text.utf8)) }

  /// The table for `msg`, `shm` or `sem`; empty if the file cannot be read.
  convenience init(paths: IPCPaths, name: String) {
    let path = paths.proc + "/sysvipc/" + name
    let bytes = (try? FileDescriptor.open(path, O_RDONLY).read(upTo: 1 << 28)) ?? []
    self.init(bytes: bytes)
  }

  /// The columns every kind has: key, id, owner, mode, change time.
  struct CommonColumns {
    let id, key, perms, uid, gid, cuid, cgid, ctime: Column

    init(_ table: SysVProcTable, id: String) {
      self.id = table.column(id)
      (key, perms, uid, gid) = (table.column("key"), table.column("perms"), table.column("uid"), table.column("gid"))
      (cuid, cgid, ctime) = (table.column("cuid"), table.column("cgid"), table.column("ctime"))
    }

    func info(_ row: Row, _ details: Details) -> IPCObjectInfo? {
      guard let id: Int32 = row.number(id), let key: Int32 = row.number(key),
        let perms = row.octal(perms), let uid: UInt32 = row.number(uid),
        let gid: UInt32 = row.number(gid)
      else { return nil }
      var info = IPCObjectInfo(
        .sysv(id: id, key: key), uid: uid, gid: gid, permissions: IPCPermissions(rawValue: perms),
        details: details)
      if let creatorUID: UInt32 = row.number(cuid), let creatorGID: UInt32 = row.number(cgid) {
        info.creator = IPCObjectInfo.Creator(uid: creatorUID, gid: creatorGID)
      }
      info.changed = row.number(ctime)
      return info
    }
  }
}

/// An optionally signed integer in ASCII; nil on anything else or on overflow.
func parseInteger<T: FixedWidthInteger>(_ bytes: ArraySlice<UInt8>, radix: T) -> T? {
  var digits = bytes[...]
  var negative = false
  if digits.first == UInt8(ascii: "-") {
    negative = true
    digits = digits.dropFirst()
  }
  guard !digits.isEmpty else { return nil }
  var value: T = 0
  for byte in digits {
    let digitValue: UInt8
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): digitValue = byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): digitValue = byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): digitValue = byte - UInt8(ascii: "A") + 10
    default: return nil
    }
    let digit = T(truncatingIfNeeded: digitValue)
    guard digit < radix else { return nil }
    let (shifted, overflow) = value.multipliedReportingOverflow(by: radix)
    let (next, overflow2) =
      negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
    guard !overflow, !overflow2 else { return nil }
    value = next
  }
  return value
}

/// Times the kernel reports as 0 mean "never".
func timeOrNil(_ seconds: Int?) -> Int? {
  guard let seconds, seconds != 0 else { return nil }
  return seconds
}
