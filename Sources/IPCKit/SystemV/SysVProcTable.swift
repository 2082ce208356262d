/// One of /proc/sysvipc/{msg,shm,sem}: a header of column names, then a row per object.
///
/// It lists every object in the IPC namespace, also those the caller may not IPC_STAT.
struct SysVProcTable {
  struct Row {
    let fields: [Substring]
    let columns: [Substring: Int]

    func number<T: FixedWidthInteger>(_ column: Substring, as: T.Type = T.self) -> T? {
      guard let index = columns[column], index < fields.count else { return nil }
      return T(fields[index])
    }
  }

  let rows: [Row]

  /// Parses the table; columns are found by name, so kernels that add columns still parse.
  init(text: String) {
    var lines = text.split(separator: "\n")[...]
    guard let header = lines.popFirst() else {
      rows = []
      return
    }
    var columns: [Substring: Int] = [:]
    for (index, name) in header.split(whereSeparator: \.isWhitespace).enumerated() {
      columns[name] = index
    }
    rows = lines.map { Row(fields: $0.split(whereSeparator: \.isWhitespace), columns: columns) }
      .filter { $0.fields.count >= columns.count }
  }

  /// The table for `msg`, `shm` or `sem`; empty if the file cannot be read.
  init(paths: IPCPaths, name: String) {
    self.init(text: readTextFile(paths.proc + "/sysvipc/" + name) ?? "")
  }

  /// The fields every kind has: key, id, owner, mode, change time.
  static func commonInfo(_ kind: IPCKind, _ row: Row, idColumn: Substring) -> IPCObjectInfo? {
    guard let id: Int32 = row.number(idColumn), let key: Int32 = row.number("key"),
      let perms = row.fields[row.columns["perms"] ?? 0].nonEmptyOctal,
      let uid: UInt32 = row.number("uid"), let gid: UInt32 = row.number("gid")
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

extension Substring {
  /// The value of an octal field such as "1600"; nil if not octal.
  var nonEmptyOctal: UInt32? { UInt32(self, radix: 8) }
}

/// Times the kernel reports as 0 mean "never".
func timeOrNil(_ seconds: Int?) -> Int? {
  guard let seconds, seconds != 0 else { return nil }
  return seconds
}
