import Glibc
import IPCKit

/// A column of `list`'s table: the one place that names it for `-o`, heads it, and says in help
/// what it holds.
struct ListColumn: Sendable {
  enum Alignment: Sendable { case left, right }

  var name: String
  var header: String
  var help: String
  var alignment: Alignment
  var value: @Sendable (IPCObjectInfo, ListContext) -> String

  static let all: [ListColumn] = [
    ListColumn(name: "namespace", header: "NAMESPACE", help: "IPC namespace inode (with -A)",
      alignment: .left) { _, context in context.namespace.map(String.init) ?? "-" },
    ListColumn(name: "container", header: "CONTAINER", help: "container or host (with -A)",
      alignment: .left) { _, context in context.container ?? "-" },
    ListColumn(name: "ref", header: "REF", help: "the reference that names the object",
      alignment: .left) { object, _ in object.reference.description },
    ListColumn(name: "kind", header: "KIND", help: "posix-mq, sysv-shm, ...", alignment: .left) {
      object, _ in object.kind.rawValue
    },
    ListColumn(name: "key", header: "KEY", help: "System V key", alignment: .left) { object, _ in
      object.key.map(formatKey) ?? "-"
    },
    ListColumn(name: "owner", header: "OWNER", help: "owner's user name", alignment: .left) {
      object, context in context.users.name(of: object.uid)
    },
    ListColumn(name: "mode", header: "MODE", help: "permissions, as ls shows them",
      alignment: .left) { object, _ in object.permissions.description },
    ListColumn(name: "size", header: "SIZE",
      help: "bytes of shared memory, or bytes queued", alignment: .right) { object, context in
      guard let size = object.details.listedSize else { return "-" }
      return context.exactBytes ? String(size) : ByteSize.human(size)
    },
    ListColumn(name: "usage", header: "USAGE",
      help: "messages queued, processes attached, semaphore value or count", alignment: .left) {
      object, _ in object.details.usage
    },
    ListColumn(name: "changed", header: "CHANGED", help: "last change", alignment: .left) {
      object, context in context.times.text(object.changed)
    },
    ListColumn(name: "idle", header: "IDLE",
      help: "time since the last change, message, attach or semop", alignment: .right) {
      object, context in object.knownLastActivity.map { idleText(context.now - $0) } ?? "?"
    },
    ListColumn(name: "id", header: "ID", help: "System V id", alignment: .right) { object, _ in
      object.id.map(String.init) ?? "-"
    },
    ListColumn(name: "uid", header: "UID", help: "owner's uid", alignment: .right) { object, _ in
      String(object.uid)
    },
    ListColumn(name: "group", header: "GROUP", help: "group's name", alignment: .left) {
      object, context in context.groups.name(of: object.gid)
    },
    ListColumn(name: "gid", header: "GID", help: "group's gid", alignment: .right) { object, _ in
      String(object.gid)
    },
    ListColumn(name: "perms", header: "PERMS", help: "permissions as a number (0640)",
      alignment: .left) { object, _ in object.permissions.octal },
    ListColumn(name: "cuid", header: "CUID", help: "System V creator's uid", alignment: .right) {
      object, _ in object.creator.map { String($0.uid) } ?? "-"
    },
    ListColumn(name: "cgid", header: "CGID", help: "System V creator's gid", alignment: .right) {
      object, _ in object.creator.map { String($0.gid) } ?? "-"
    },
    ListColumn(name: "cuser", header: "CUSER", help: "System V creator's user name",
      alignment: .left) { object, context in object.creator.map { context.users.name(of: $0.uid) } ?? "-" },
    ListColumn(name: "cgroup", header: "CGROUP", help: "System V creator's group name",
      alignment: .left) { object, context in object.creator.map { context.groups.name(of: $0.gid) } ?? "-" },
    ListColumn(name: "cpid", header: "CPID",
      help: "System V segment's creator pid, with its command while it runs", alignment: .left) {
      object, context in processText(object.details.sysvSegment?.creatorPID, context)
    },
    ListColumn(name: "lpid", header: "LPID",
      help: "last pid to attach, detach, send or receive, with its command while it runs",
      alignment: .left) { object, context in processText(object.lastPID, context) },
    ListColumn(name: "status", header: "STATUS",
      help: "System V segment's state: dest (marked for removal), locked", alignment: .left) {
      object, _ in
      guard let segment = object.details.sysvSegment else { return "-" }
      let states = [segment.markedForRemoval ? "dest" : nil, segment.locked ? "locked" : nil]
      return states.compactMap { $0 }.joined(separator: ",").nonEmpty ?? "-"
    },
    ListColumn(name: "attach", header: "ATTACH", help: "last attach (System V segment)",
      alignment: .left) { object, context in context.times.text(object.details.sysvSegment?.lastAttach) },
    ListColumn(name: "detach", header: "DETACH", help: "last detach (System V segment)",
      alignment: .left) { object, context in context.times.text(object.details.sysvSegment?.lastDetach) },
    ListColumn(name: "send", header: "SEND", help: "last message sent (System V queue)",
      alignment: .left) { object, context in context.times.text(object.details.sysvQueue?.lastSend) },
    ListColumn(name: "receive", header: "RECEIVE", help: "last message received (System V queue)",
      alignment: .left) { object, context in context.times.text(object.details.sysvQueue?.lastReceive) },
    ListColumn(name: "semop", header: "SEMOP", help: "last semop (System V set)", alignment: .left) {
      object, context in context.times.text(object.details.sysvSemaphoreSet?.lastOperation)
    },
    ListColumn(name: "users", header: "USERS", help: "processes using it (with --users)",
      alignment: .left) { object, context in
        usersText(object.users, object.kind, heldBy: context.holds.holder(of: object), capped: true)
      },
  ]

  static let defaultNames = ["ref", "owner", "mode", "size", "usage", "changed", "idle"]

  static func named(_ name: String) -> ListColumn? {
    let name = lsipcNames[name] ?? name
    return all.first { $0.name == name }
  }

  /// lsipc's names for the columns that show the same thing here, so that `-o CTIME,NATTCH`
  /// typed from habit works (its count columns are this tool's USAGE).
  static let lsipcNames = [
    "ctime": "changed", "user": "owner", "recv": "receive", "otime": "semop",
    "nattch": "usage", "msgs": "usage", "nsems": "usage",
  ]

  /// How rows sort by this column (--sort): numbers and times as numbers, the rest as the
  /// cell reads; an object without a value first.
  enum SortKey: Comparable {
    case none
    case number(Int64)
    case text(String)
  }

  func sortKey(_ object: IPCObjectInfo, _ context: ListContext) -> SortKey {
    func number<T: BinaryInteger>(_ value: T?) -> SortKey { value.map { .number(Int64(clamping: $0)) } ?? .none }
    switch name {
    case "size": return number(object.details.listedSize)
    case "id": return number(object.id)
    case "key": return number(object.key.map { UInt32(bitPattern: $0) })
    case "changed": return number(object.changed)
    case "idle": return number(object.knownLastActivity.map { context.now - $0 })
    case "uid": return number(object.uid)
    case "gid": return number(object.gid)
    case "cuid": return number(object.creator?.uid)
    case "cgid": return number(object.creator?.gid)
    case "cpid": return number(object.details.sysvSegment?.creatorPID)
    case "lpid": return number(object.lastPID)
    case "attach": return number(object.details.sysvSegment?.lastAttach)
    case "detach": return number(object.details.sysvSegment?.lastDetach)
    case "send": return number(object.details.sysvQueue?.lastSend)
    case "receive": return number(object.details.sysvQueue?.lastReceive)
    case "semop": return number(object.details.sysvSemaphoreSet?.lastOperation)
    case "namespace": return number(context.namespace)
    default: return .text(value(object, context))
    }
  }

  /// The fields of `list --json` that hold what this column shows.
  var jsonKeys: [String] {
    switch name {
    case "owner": ["owner", "uid"]
    case "size": ["size", "bytes"]
    case "usage": ["messages", "attached", "value", "semaphores"]
    case "idle": ["last_activity"]
    case "group", "gid": ["gid"]
    case "uid": ["uid"]
    case "cuser": ["creator_uid"]
    case "cgroup": ["creator_gid"]
    case "perms": ["mode"]
    case "cuid": ["creator_uid"]
    case "cgid": ["creator_gid"]
    case "cpid": ["creator_pid"]
    case "lpid": ["last_pid", "last_send_pid", "last_receive_pid"]
    case "status": ["marked_for_removal", "locked"]
    case "attach": ["last_attach"]
    case "detach": ["last_detach"]
    case "send": ["last_send"]
    case "receive": ["last_receive"]
    case "semop": ["last_operation"]
    case "users": ["users", "held_by"]
    default: [name]
    }
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
