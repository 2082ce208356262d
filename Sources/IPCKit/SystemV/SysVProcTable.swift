import Glibc

/// One of /proc/sysvipc/{msg,shm,sem}: a header of column names, then a row per object.
///
/// It lists every object in the IPC namespace, also those the caller may not IPC_STAT. Parsed
/// as bytes: with 32,000 objects the table is megabytes, and Character splitting is slow.
struct SysVProcTable {
  struct Row {
    /// Each field's byte range in the table's text.
    let fields: [Range<Int>]
    let table: SysVProcTable

    func number<T: FixedWidthInteger>(_ column: String, as: T.Type = T.self) -> T? {
      guard let index = table.columns[column], index < fields.count else { return nil }
      return parseInteger(table.bytes[fields[index]], radix: 10)
    }

    /// An octal field, such as perms "1600".
    func octal(_ column: String) -> UInt32? {
      guard let index = table.columns[column], index < fields.count else { return nil }
      return parseInteger(table.bytes[fields[index]], radix: 8)
    }
  }

  let bytes: [UInt8]
  let columns: [String: Int]
  private let rowFields: [[Range<Int>]]

  var rows: [Row] { rowFields.map { Row(fields: $0, table: self) } }

  /// The rows ordered by a numeric column (the id), as listings show them.
  func rowsSorted(by column: String) -> [Row] {
    rows.map { ($0.number(column, as: Int64.self) ?? 0, $0) }.sorted { $0.0 < $1.0 }.map(\.1)
  }

  /// Parses the table; columns are found by name, so kernels that add columns still parse.
  init(bytes: [UInt8]) {
    self.bytes = bytes
    var lines: [[Range<Int>]] = []
    var fields: [Range<Int>] = []
    var start: Int? = nil
    for (index, byte) in bytes.enumerated() {
      let isSpace = byte == 0x20 || byte == 0x09
      if byte == 0x0A || isSpace {
        if let begin = start { fields.append(begin..<index) }
        start = nil
        if byte == 0x0A {
          if !fields.isEmpty { lines.append(fields) }
          fields = []
        }
      } else if start == nil {
        start = index
      }
    }
    if let begin = start { fields.append(begin..<bytes.count) }
    if !fields.isEmpty { lines.append(fields) }
    var columns: [String: Int] = [:]
    if let header = lines.first {
      for (index, range) in header.enumerated() {
        columns[String(decoding: bytes[range], as: UTF8.self)] = index
      }
    }
    self.columns = columns
    let width = columns.count
    rowFields = lines.dropFirst().filter { $0.count >= width }
  }

  init(text: String) { self.init(bytes: Array(text.utf8)) }

  /// The table for `msg`, `shm` or `sem`; empty if the file cannot be read.
  init(paths: IPCPaths, name: String) {
    let path = paths.proc + "/sysvipc/" + name
    let bytes = (try? FileDescriptor.open(path, O_RDONLY).read(upTo: 1 << 28)) ?? []
    self.init(bytes: bytes)
  }

  /// The fields every kind has: key, id, owner, mode, change time.
  static func commonInfo(_ kind: IPCKind, _ row: Row, idColumn: String) -> IPCObjectInfo? {
    guard let id: Int32 = row.number(idColumn), let key: Int32 = row.number("key"),
      let perms = row.octal("perms"), let uid: UInt32 = row.number("uid"),
      let gid: UInt32 = row.number("gid")
    else { return nil }
    var info = IPCObjectInfo(
      kind: kind, uid: uid, gid: gid, permissions: IPCPermissions(rawValue: perms))
    info.id = id
    info.key = key
    info.creatorUID = row.number("cuid")
    info.creatorGID = row.number("cgid")
    info.changed = row.number("ctime")
    return info
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
