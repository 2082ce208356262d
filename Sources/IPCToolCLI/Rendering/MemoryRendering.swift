import IPCKit

/// The tables and JSON of `ipctool memory`: every figure the account holds, bytes exact in
/// JSON, `ls -h` style in tables; every byte a process or a user chose (memfd names, paths,
/// commands, cgroup folders) escaped.
enum MemoryRendering {
  // MARK: By place

  static func table(_ account: SharedMemoryAccount) -> String {
    var rows: [[String]] = []
    if let selected = account.selected {
      rows = selectedRows(selected)
      rows.append([
        "not selected", bytes(selected.notSelected), "-",
        "every other row's bytes: objects not chosen, tmpfs, memfd, shared anonymous",
      ])
      return closingRows(account, rows)
    }
    for mount in account.tmpfs {
      rows.append([
        "tmpfs " + Escaping.escape(mount.mountPoint), bytes(mount.used), "-", tmpfsNote(mount),
      ])
      if let count = mount.posixObjects, count > 0 {
        rows.append(["  POSIX objects", bytes(mount.posixBytes), "-", "\(count) in this /dev/shm"])
      }
      for file in mount.unlinked {
        rows.append([
          "  unlinked " + Escaping.escape(file.nameBytes), bytes(file.allocated),
          holders(file.holders), "held, no name left",
        ])
      }
    }
    rows += account.segments.map(segmentRow)
    for file in account.memfds + account.anonymous {
      let what = file.kind == .memfd ? "memfd:" + Escaping.escape(file.nameBytes) : "shared-anon"
      rows.append([
        what, bytes(file.allocated), holders(file.holders),
        "inode \(file.identity.inode), size \(bytes(file.size))",
      ])
    }
    return closingRows(account, rows)
  }

  /// The selected objects' rows (`--kind`, `--prefix`, `--owner`).
  private static func selectedRows(_ selected: SelectedMemory) -> [[String]] {
    selected.posix.map { posix in
      [
        posix.object.reference.description, bytes(posix.bytes), "-",
        "size \(bytes(posix.object.details.size)), owner \(posix.object.uid)",
      ]
    } + selected.segments.map(segmentRow)
  }

  private static func segmentRow(_ segment: SegmentMemory) -> [String] {
    var note = "size \(ByteSize.human(segment.size)), \(bytes(segment.swapped)) swapped,"
    note += " \(segment.attached) attached"
    if segment.markedForRemoval { note += ", marked for removal" }
    if let container = segment.container {
      note += ", namespace \(segment.namespace.map(String.init) ?? "?") (\(container))"
    }
    return [
      "sysv-shm:\(segment.id)", bytes(segment.resident), segment.holders.map(holders) ?? "?", note,
    ]
  }

  /// The rows every table by place ends with: what no row shows, and Shmem.
  private static func closingRows(_ account: SharedMemoryAccount, _ rows: [[String]]) -> String {
    var rows = rows
    rows.append([
      "unexplained", signed(account.unexplained), "-",
      "drivers, other namespaces' tmpfs and System V",
    ])
    rows.append([
      "Shmem (/proc/meminfo)", bytes(account.meminfo?.shmem), "-",
      "the sum of the rows not indented",
    ])
    return simpleTable(["SOURCE", "BYTES", "HOLDERS", "NOTE"], rows, rightAligned: [1])
  }

  static func json(_ account: SharedMemoryAccount) -> String {
    var rows: [JSON]
    if let selected = account.selected {
      rows = selected.posix.map(posixJSON) + selected.segments.map(segmentJSON)
    } else {
      rows = account.tmpfs.map(tmpfsJSON)
      rows += account.segments.map(segmentJSON)
      rows += (account.memfds + account.anonymous).map(fileJSON)
    }
    return JSON.document(
      "rows", rows,
      extra: [
        ("not_selected", .number(account.selected?.notSelected)),
        ("shmem", .number(account.meminfo?.shmem)), ("explained", .number(account.explained)),
        ("unexplained", .number(account.unexplained)),
        ("processes", .number(account.processes.count)),
        ("unreadable_processes", .array(account.unreadable.map(processJSON))),
      ])
  }

  static func tmpfsJSON(_ mount: TmpfsUsage) -> JSON {
    .object([
      ("kind", .string("tmpfs")), ("mount", .string(Escaping.escape(mount.mountPoint))),
      ("device", .number(mount.device)), ("size", .number(mount.size)),
      ("used", .number(mount.used)),
      ("seen_through", mount.seenThrough.map(processJSON) ?? .null),
      ("posix_objects", .number(mount.posixObjects)), ("posix_bytes", .number(mount.posixBytes)),
      ("unlinked_bytes", .number(mount.unlinked.reduce(0) { $0 + ($1.allocated ?? 0) })),
      ("unlinked", .array(mount.unlinked.map(fileJSON))),
      ("unmeasured", .string(mount.gap.map(gapText))),
    ])
  }

  static func posixJSON(_ posix: SelectedPosixObject) -> JSON {
    .object([
      ("kind", .string(posix.object.kind.rawValue)),
      ("ref", .string(posix.object.reference.description)),
      ("name", .string(posix.object.name.map { Escaping.escape($0.bytes) })),
      ("uid", .number(posix.object.uid)), ("size", .number(posix.object.details.size)),
      ("bytes", .number(posix.bytes)),
    ])
  }

  static func segmentJSON(_ segment: SegmentMemory) -> JSON {
    .object([
      ("kind", .string("sysv-shm")), ("ref", .string("sysv-shm:\(segment.id)")),
      ("id", .number(segment.id)),
      ("namespace", .number(segment.namespace)), ("container", .string(segment.container)),
      ("key", .string(keyText(segment.key))), ("size", .number(segment.size)),
      ("resident", .number(segment.resident)), ("swapped", .number(segment.swapped)),
      ("attached", .number(segment.attached)),
      ("marked_for_removal", .bool(segment.markedForRemoval)),
      ("holders", segment.holders.map { .array($0.map(processJSON)) } ?? .null),
    ])
  }

  static func fileJSON(_ file: SharedFile) -> JSON {
    .object([
      ("kind", .string(file.kind.rawValue)), ("name", .string(Escaping.escape(file.nameBytes))),
      ("path", .string(Escaping.escape(file.pathBytes))),
      ("device", .number(file.identity.device)), ("inode", .number(file.identity.inode)),
      ("bytes", .number(file.allocated)), ("size", .number(file.size)),
      ("holders", .array(file.holders.map(processJSON))),
    ])
  }

  static func processJSON(_ process: ProcessRef) -> JSON {
    .object([("pid", .number(process.pid)), ("command", .string(process.command))])
  }

  // MARK: By process

  static func processTable(_ account: SharedMemoryAccount, _ order: MemoryOrder?) -> String {
    let parts = ProcessHoldings.Part.allCases
    let rows = (order ?? .bytes).processes(account.byProcess).map { row -> [String] in
      [String(row.process.pid), row.process.shortCommand] + parts.map { bytes(row.parts[$0] ?? 0) }
        + [bytes(row.total), bytes(row.alone)]
    }
    let headers = ["PID", "COMMAND"] + parts.map { $0.rawValue.uppercased() } + ["TOTAL", "ALONE"]
    return simpleTable(headers, rows, rightAligned: Set(2..<headers.count))
  }

  static func processJSON(_ account: SharedMemoryAccount, _ order: MemoryOrder?) -> String {
    JSON.document(
      "processes",
      (order ?? .bytes).processes(account.byProcess).map { row in
        .object([
          ("pid", .number(row.process.pid)), ("command", .string(row.process.command)),
          ("memfd", .number(row.parts[.memfd] ?? 0)),
          ("shared_anon", .number(row.parts[.sharedAnonymous] ?? 0)),
          ("unlinked", .number(row.parts[.unlinked] ?? 0)),
          ("sysv_shm", .number(row.parts[.segment] ?? 0)),
          ("total", .number(row.total)), ("alone", .number(row.alone)),
        ])
      }, extra: [("unreadable_processes", .array(account.unreadable.map(processJSON)))])
  }

  // MARK: By container

  static func cgroupTable(_ account: SharedMemoryAccount, _ order: MemoryOrder?) -> String {
    let rows = (order ?? .bytes).cgroups(sortedCgroups(account)).map { group -> [String] in
      [
        Escaping.escape(group.path), group.container ?? "-", String(group.processes.count),
        bytes(group.shmem),
        limitText(group.limit), bytes(group.devShm?.size), bytes(group.devShm?.used),
      ]
    }
    return simpleTable(
      ["CGROUP", "CONTAINER", "PROCS", "SHMEM", "LIMIT", "/DEV/SHM", "USED"], rows,
      rightAligned: [2, 3, 4, 5, 6])
  }

  static func cgroupJSON(_ account: SharedMemoryAccount, _ order: MemoryOrder?) -> String {
    JSON.document(
      "cgroups",
      (order ?? .bytes).cgroups(sortedCgroups(account)).map { group in
        let limit: JSON
        switch group.limit {
        case .none: limit = .string("max")
        case .bytes(let value): limit = .number(value)
        case .unknown: limit = .null
        }
        return .object([
          ("cgroup", .string(Escaping.escape(group.path))), ("version", .number(group.version)),
          ("container", .string(group.container)), ("processes", .number(group.processes.count)),
          ("pids", .array(group.processes.map { .number($0.pid) })),
          ("shmem", .number(group.shmem)), ("limit", limit),
          ("dev_shm_size", .number(group.devShm?.size)),
          ("dev_shm_used", .number(group.devShm?.used)),
        ])
      }, extra: [("unreadable_processes", .array(account.unreadable.map(processJSON)))])
  }

  private static func sortedCgroups(_ account: SharedMemoryAccount) -> [CgroupMemory] {
    (account.cgroups ?? []).sorted { left, right in
      if (left.shmem ?? 0) != (right.shmem ?? 0) { return (left.shmem ?? 0) > (right.shmem ?? 0) }
      return left.path.lexicographicallyPrecedes(right.path)
    }
  }

  // MARK: Pieces

  static func unreadableNote(_ processes: [ProcessRef]) -> String {
    let shown = processes.prefix(3).map(\.description).joined(separator: ", ")
    let more = processes.count > 3 ? " and \(processes.count - 3) more" : ""
    let noun = processes.count == 1 ? "process" : "processes"
    return "\(processes.count) \(noun) could not be read (\(shown)\(more)):"
      + " what they hold is unknown, not counted"
  }

  private static func tmpfsNote(_ mount: TmpfsUsage) -> String {
    var parts: [String] = []
    if let size = mount.size { parts.append("size \(ByteSize.human(size))") }
    if let process = mount.seenThrough { parts.append("seen by \(process.description)") }
    if let gap = mount.gap { parts.append(gapText(gap)) }
    return parts.isEmpty ? "-" : parts.joined(separator: ", ")
  }

  private static func gapText(_ gap: TmpfsUsage.Gap) -> String {
    switch gap {
    case .behindStallingMount(let type): "not measured: reached through a \(printable(type)) mount"
    case .unreachable(let code): "not measured: \(code)"
    case .uncounted: "no size limit: its use is not counted"
    }
  }

  private static func holders(_ processes: [ProcessRef]) -> String {
    guard !processes.isEmpty else { return "-" }
    let first = processes[0].description
    return processes.count > 1 ? first + " +\(processes.count - 1)" : first
  }

  private static func bytes(_ value: UInt64?) -> String { value.map(ByteSize.human) ?? "?" }

  private static func signed(_ value: Int64?) -> String {
    guard let value else { return "?" }
    return value < 0 ? "-" + ByteSize.human(value.magnitude) : ByteSize.human(UInt64(value))
  }

  private static func limitText(_ limit: CgroupMemory.Limit) -> String {
    switch limit {
    case .none: "max"
    case .bytes(let value): ByteSize.human(value)
    case .unknown: "?"
    }
  }

  /// "0x0001e240", as ipcs and list print keys.
  static func keyText(_ key: Int32) -> String {
    let digits = String(UInt32(bitPattern: key), radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
  }
}
