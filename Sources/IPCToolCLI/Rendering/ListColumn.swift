import Glibc
import IPCKit

/// A column of `list`'s table: the one place that names it for `-o` (and lsipc's names for
/// it), heads it, says in help what it holds, makes its cell, orders rows by it and names the
/// fields of the JSON contract that hold the same (`list --json -o`).
struct ListColumn: Sendable {
  enum Alignment: Sendable { case left, right }

  /// How rows sort by this column (--sort): numbers and times as numbers, the rest as the
  /// cell reads; an object without a value first.
  enum SortKey: Comparable {
    case none
    case number(Int64)
    case text(String)
  }

  typealias Value = @Sendable (IPCObjectInfo, ListContext) -> String
  typealias Write = @Sendable (IPCObjectInfo, ListContext, ByteBuffer) -> Void

  var name: String
  var header: String
  var help: String
  var alignment: Alignment
  /// lsipc's names for what this column shows, where they differ from `name`, so that
  /// `-o CTIME,NATTCH` typed from habit works.
  var lsipcNames: [String] = []
  /// The fields of `JSONContract` that hold what it shows.
  var jsonKeys: [String]
  /// The narrowest it is elided to on a narrow terminal (its end gives way to "…"); nil for
  /// a column never cut.
  var narrowest: Int?
  var value: Value
  /// The number rows sort by; nil for a column that sorts by its text.
  var number: (@Sendable (IPCObjectInfo, ListContext) -> Int64?)?
  /// Writes the bytes of what `value` makes without making it, for the columns a listing
  /// shows by the ten thousand (see CellWriting.swift); nil: `value`'s String is copied.
  var write: Write?

  func sortKey(_ object: IPCObjectInfo, _ context: ListContext) -> SortKey {
    guard let number else { return .text(value(object, context)) }
    return number(object, context).map(SortKey.number) ?? .none
  }

  /// A column shown as text and sorted by it.
  static func text(
    _ name: String, _ header: String, _ help: String, lsipc: [String] = [], json: [String],
    alignment: Alignment = .left, narrowest: Int? = nil, write: Write? = nil,
    _ value: @escaping Value
  ) -> ListColumn {
    ListColumn(
      name: name, header: header, help: help, alignment: alignment, lsipcNames: lsipc,
      jsonKeys: json, narrowest: narrowest, value: value, write: write)
  }

  /// A number, right-aligned, "-" where there is none.
  static func number<T: BinaryInteger & Sendable>(
    _ name: String, _ header: String, _ help: String, lsipc: [String] = [], json: [String],
    _ number: @escaping @Sendable (IPCObjectInfo) -> T?
  ) -> ListColumn {
    var column = numbered(name, header, help, lsipc, json, .right, number) { value, _ in
      value.map { String($0) } ?? "-"
    }
    column.write = { object, _, out in
      if let value = number(object) { out.appendInteger(value) } else { out.append(UInt8(ascii: "-")) }
    }
    return column
  }

  /// A time, shown in --time-format and sorted by its seconds.
  static func time(
    _ name: String, _ header: String, _ help: String, lsipc: [String] = [], json: [String],
    _ seconds: @escaping @Sendable (IPCObjectInfo) -> Int?
  ) -> ListColumn {
    numbered(name, header, help, lsipc, json, .left, seconds) { value, context in context.times.text(value) }
  }

  /// A process: "4242 (worker)" while it runs, sorted by its pid.
  static func process(
    _ name: String, _ header: String, _ help: String, lsipc: [String] = [], json: [String],
    _ pid: @escaping @Sendable (IPCObjectInfo) -> pid_t?
  ) -> ListColumn {
    numbered(name, header, help, lsipc, json, .left, pid) { value, context in processText(value, context) }
  }

  /// A value rows sort by as a number, shown by `show`.
  private static func numbered<T: BinaryInteger & Sendable>(
    _ name: String, _ header: String, _ help: String, _ lsipc: [String], _ json: [String],
    _ alignment: Alignment, _ get: @escaping @Sendable (IPCObjectInfo) -> T?,
    show: @escaping @Sendable (T?, ListContext) -> String
  ) -> ListColumn {
    ListColumn(
      name: name, header: header, help: help, alignment: alignment, lsipcNames: lsipc, jsonKeys: json,
      value: { object, context in show(get(object), context) },
      number: { object, _ in get(object).map { Int64(clamping: $0) } })
  }

  static let all: [ListColumn] = [
    ListColumn(
      name: "namespace", header: "NAMESPACE", help: "IPC namespace inode (with -A)", alignment: .left,
      jsonKeys: ["namespace"], value: { _, context in context.namespace.map(String.init) ?? "-" },
      number: { _, context in context.namespace.map { Int64(clamping: $0) } }),
    .text("container", "CONTAINER", "container or host (with -A)", json: ["container"], narrowest: 20) {
      _, context in context.container ?? "-"
    },
    .text(
      "ref", "REF", "the reference that names the object", json: ["ref"],
      write: { object, _, out in out.appendReference(object) }
    ) { object, _ in object.reference.description },
    .text("kind", "KIND", "posix-mq, sysv-shm, ...", json: ["kind"]) { object, _ in object.kind.rawValue },
    ListColumn(
      name: "key", header: "KEY", help: "System V key", alignment: .left, jsonKeys: ["key"],
      value: { object, _ in object.key.map(formatKey) ?? "-" },
      number: { object, _ in object.key.map { Int64(UInt32(bitPattern: $0)) } }),
    .text("owner", "OWNER", "owner's user name", lsipc: ["user"], json: ["owner", "uid"]) {
      object, context in context.users.name(of: object.uid)
    },
    .text(
      "mode", "MODE", "permissions, as ls shows them", json: ["mode"],
      write: { object, _, out in out.appendPermissions(object.permissions) }
    ) { object, _ in object.permissions.description },
    ListColumn(
      name: "size", header: "SIZE", help: "bytes of shared memory, or bytes queued", alignment: .right,
      lsipcNames: ["usedbytes"], jsonKeys: ["size", "bytes"],
      value: { object, context in
        guard let size = object.details.listedSize else { return "-" }
        return context.exactBytes ? String(size) : ByteSize.human(size)
      },
      number: { object, _ in object.details.listedSize.map { Int64(clamping: $0) } },
      write: { object, context, out in
        guard let size = object.details.listedSize else { return out.append(UInt8(ascii: "-")) }
        if context.exactBytes { out.appendDecimal(size) } else { out.appendHumanSize(size) }
      }),
    // lsipc's count columns are this tool's USAGE.
    .text(
      "usage", "USAGE", "messages queued, processes attached, semaphore value or count",
      lsipc: ["nattch", "msgs", "nsems"], json: ["messages", "attached", "value", "semaphores"],
      write: { object, _, out in out.appendUsage(object.details) }
    ) { object, _ in object.details.usage },
    .time("changed", "CHANGED", "last change", lsipc: ["ctime"], json: ["changed"]) { $0.changed },
    ListColumn(
      name: "idle", header: "IDLE", help: "time since the last change, message, attach or semop",
      alignment: .right, jsonKeys: ["last_activity"],
      value: { object, context in object.knownLastActivity.map { idleText(context.now - $0) } ?? "?" },
      number: { object, context in object.knownLastActivity.map { Int64(context.now - $0) } },
      write: { object, context, out in
        guard let last = object.knownLastActivity else { return out.append(UInt8(ascii: "?")) }
        out.appendIdle(context.now - last)
      }),
    .number("id", "ID", "System V id", json: ["id"]) { $0.id },
    .number("uid", "UID", "owner's uid", json: ["uid"]) { $0.uid },
    .text("group", "GROUP", "group's name", json: ["gid"]) { object, context in
      context.groups.name(of: object.gid)
    },
    .number("gid", "GID", "group's gid", json: ["gid"]) { $0.gid },
    .text("perms", "PERMS", "permissions as a number (0640)", json: ["mode"]) { object, _ in
      object.permissions.octal
    },
    .number("cuid", "CUID", "System V creator's uid", json: ["creator_uid"]) { $0.creator?.uid },
    .number("cgid", "CGID", "System V creator's gid", json: ["creator_gid"]) { $0.creator?.gid },
    .text("cuser", "CUSER", "System V creator's user name", json: ["creator_uid"]) { object, context in
      object.creator.map { context.users.name(of: $0.uid) } ?? "-"
    },
    .text("cgroup", "CGROUP", "System V creator's group name", json: ["creator_gid"]) {
      object, context in object.creator.map { context.groups.name(of: $0.gid) } ?? "-"
    },
    .process(
      "cpid", "CPID", "System V segment's creator pid, with its command while it runs",
      json: ["creator_pid"]
    ) { $0.details.sysvSegment?.creatorPID },
    .text(
      "command", "COMMAND", "System V segment's creator's command line, while it runs",
      json: ["creator_pid"]
    ) { object, context in
      guard let pid = object.details.sysvSegment?.creatorPID, pid > 0 else { return "-" }
      return ProcessRef.reading(pid, proc: context.proc)?.command ?? "-"
    },
    .process(
      "lpid", "LPID", "last pid to attach, detach, send or receive, with its command while it runs",
      json: ["last_pid", "last_send_pid", "last_receive_pid"]
    ) { $0.lastPID },
    .process(
      "lspid", "LSPID", "System V queue's last sender, with its command while it runs",
      json: ["last_send_pid"]
    ) { $0.details.sysvQueue?.lastSendPID },
    .process(
      "lrpid", "LRPID", "System V queue's last receiver, with its command while it runs",
      json: ["last_receive_pid"]
    ) { $0.details.sysvQueue?.lastReceivePID },
    .text(
      "status", "STATUS", "System V segment's state: dest (marked for removal), locked",
      json: ["marked_for_removal", "locked"]
    ) { object, _ in
      guard let segment = object.details.sysvSegment else { return "-" }
      let states = [segment.markedForRemoval ? "dest" : nil, segment.locked ? "locked" : nil]
      return states.compactMap { $0 }.joined(separator: ",").nonEmpty ?? "-"
    },
    .time("attach", "ATTACH", "last attach (System V segment)", json: ["last_attach"]) {
      $0.details.sysvSegment?.lastAttach
    },
    .time("detach", "DETACH", "last detach (System V segment)", json: ["last_detach"]) {
      $0.details.sysvSegment?.lastDetach
    },
    .time("send", "SEND", "last message sent (System V queue)", json: ["last_send"]) {
      $0.details.sysvQueue?.lastSend
    },
    .time(
      "receive", "RECEIVE", "last message received (System V queue)", lsipc: ["recv"],
      json: ["last_receive"]
    ) { $0.details.sysvQueue?.lastReceive },
    .time("semop", "SEMOP", "last semop (System V set)", lsipc: ["otime"], json: ["last_operation"]) {
      $0.details.sysvSemaphoreSet?.lastOperation
    },
    .text(
      "name", "NAME", "POSIX name, escaped (the reference without its kind)", json: ["name", "name_hex"],
      write: { object, _, out in
        if let name = object.name { out.appendName(name) } else { out.append(UInt8(ascii: "-")) }
      }
    ) { object, _ in object.name?.description ?? "-" },
    .time(
      "modified", "MODIFIED", "POSIX file's last modification (its contents or size)",
      lsipc: ["mtime"], json: ["last_activity"]
    ) { $0.details.modified },
    .number("value", "VALUE", "POSIX semaphore's value", lsipc: ["sval"], json: ["value"]) {
      $0.details.posixSemaphoreValue
    },
    .text("users", "USERS", "processes using it (with --users)", json: ["users", "held_by"], narrowest: 32) {
      object, context in
      usersText(object.users, object.kind, heldBy: context.holds.holder(of: object), capped: true)
    },
  ]

  static let defaultNames = ["ref", "owner", "mode", "size", "usage", "changed", "idle"]

  /// The column `name` (lowercase) names, as this tool or lsipc spells it.
  static func named(_ name: String) -> ListColumn? {
    all.first { $0.name == name } ?? all.first { $0.lsipcNames.contains(name) }
  }

  /// Every column name util-linux lsipc 2.43 accepts for objects (sys-utils/lsipc.c's
  /// coldescs): each names a column here, by its own name or as one of `lsipcNames`.
  static let lsipcColumns = [
    "KEY", "ID", "OWNER", "PERMS", "CUID", "CUSER", "CGID", "CGROUP", "UID", "USER", "GID", "GROUP",
    "CTIME", "NAME", "MTIME", "USEDBYTES", "MSGS", "SEND", "RECV", "LSPID", "LRPID", "SIZE",
    "NATTCH", "STATUS", "ATTACH", "DETACH", "COMMAND", "CPID", "LPID", "NSEMS", "OTIME", "SVAL",
  ]

  /// lsipc --global's columns: `ipctool limits`' table, not a column of objects.
  static let lsipcLimitNames: Set<String> = ["resource", "description", "limit", "used", "use%"]

  /// The README's table of columns, made from this one.
  /// The README's table of columns, made from this one: a field only `inspect --json` has is
  /// marked so (`list --json -o` shows it for no object).
  static var readmeTable: String {
    let listed = Set(JSONContract.fields.filter { $0.scope != .inspect }.map(\.key))
    return "| `-o` | lsipc | shows | JSON |\n| --- | --- | --- | --- |\n"
      + all.map { column in
        let lsipc = ([column.name] + column.lsipcNames).map { $0.uppercased() }
          .filter(lsipcColumns.contains)
        let json = column.jsonKeys.map { listed.contains($0) ? "`\($0)`" : "`\($0)` (inspect)" }
        return "| `\(column.name)` | \(lsipc.isEmpty ? "-" : lsipc.joined(separator: ", ")) | "
          + "\(column.help) | \(json.joined(separator: ", ")) |\n"
      }.joined()
  }
}

extension Details {
  /// A POSIX object's file's modification time (lsipc's MTIME); nil for System V.
  var modified: Int? {
    switch self {
    case .posixQueue(let queue): queue.modified
    case .posixSharedMemory(let segment): segment.modified
    case .posixSemaphore(let semaphore): semaphore.modified
    default: nil
    }
  }

  /// A POSIX semaphore's value (lsipc's SVAL); nil for the other kinds.
  var posixSemaphoreValue: UInt32? {
    if case .posixSemaphore(let semaphore) = self { semaphore.value } else { nil }
  }
}

extension IPCObjectInfo {
  /// The last process the kernel records acting on it: a segment's last to attach or detach,
  /// a queue's later of its last sender and receiver.
  var lastPID: pid_t? {
    switch details {
    case .sysvSharedMemory(let segment): segment.lastPID
    case .sysvQueue(let queue):
      (queue.lastSend ?? 0) >= (queue.lastReceive ?? 0) ? queue.lastSendPID : queue.lastReceivePID
    default: nil
    }
  }
}

/// "4242 (worker)" while the process runs, "4242" once it has ended, "-" for none.
func processText(_ pid: pid_t?, _ context: ListContext) -> String {
  guard let pid, pid > 0 else { return "-" }
  return ProcessRef.reading(pid, proc: context.proc).map(\.description) ?? String(pid)
}

extension String {
  var nonEmpty: String? { isEmpty ? nil : self }
}

/// What rendering a row needs besides the object.
struct ListContext {
  var users: UserNames
  var groups = GroupNames()
  var proc = "/proc"
  var exactBytes: Bool
  /// What known applications hold (read with --users).
  var holds = ApplicationHolds()
  /// The IPC namespace and container the objects came from (--all-namespaces).
  var namespace: UInt64?
  var container: String?
  /// One clock for the whole table.
  var now = time(nil)
  /// Not shared between threads: each renders with a copy of the context and its own.
  var times = TimeTexts()
}

/// "1234 (sleep), 99 (cat)"; "-" for none, "?" where some processes could not be read, "n/a" for kinds whose users the
/// kernel does not record; "held by PostgreSQL, postmaster 4242" added where an application
/// holds it. `capped`, for a table's cell, names the first of more than three and counts
/// the rest ("4242 (worker) +9"): inspect and JSON name them all.
func usersText(
  _ users: [ProcessRef]?, _ kind: IPCKind, heldBy holder: Holder? = nil, capped: Bool = false
) -> String {
  guard kind.hasKnowableUsers else { return "n/a" }
  let held = holder.map { ($0.basis == .unread ? "may be held by " : "held by ") + $0.description }
  guard let users else { return held ?? "?" }
  let named = capped && users.count > 3
    ? "\(users[0]) +\(users.count - 1)" : users.map(\.description).joined(separator: ", ")
  switch (named.isEmpty, held) {
  case (true, nil): return "-"
  case (true, let held?): return held
  case (false, nil): return named
  case (false, let held?): return named + "; " + held
  }
}

/// `{"application": "PostgreSQL", "role": "postmaster", "pid": 4242, "command": ...}`, or null.
func holderJSON(_ holder: Holder?) -> JSON {
  guard let holder else { return .null }
  return .object([
    ("application", .string(holder.application)), ("role", .string(holder.role)),
    ("pid", .number(holder.process?.pid ?? holder.formerPID)),
    ("command", .string(holder.process?.command)),
  ])
}

/// "45s", "12m", "3h", "9d": how long an object has been idle, in its largest unit.
func idleText(_ seconds: Int) -> String {
  let seconds = max(0, seconds)
  switch seconds {
  case ..<120: return "\(seconds)s"
  case ..<7200: return "\(seconds / 60)m"
  case ..<172_800: return "\(seconds / 3600)h"
  default: return "\(seconds / 86400)d"
  }
}
