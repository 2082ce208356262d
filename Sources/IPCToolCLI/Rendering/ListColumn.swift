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
      object, context in object.lastActivity.map { idleText(context.now - $0) } ?? "?"
    },
    ListColumn(name: "users", header: "USERS", help: "processes using it (with --users)",
      alignment: .left) { object, context in
        usersText(object.users, object.kind, heldBy: context.holds.holder(of: object))
      },
  ]

  static let defaultNames = ["ref", "owner", "mode", "size", "usage", "changed", "idle"]

  static func named(_ name: String) -> ListColumn? { all.first { $0.name == name } }

  /// The fields of `list --json` that hold what this column shows.
  var jsonKeys: [String] {
    switch name {
    case "owner": ["owner", "uid"]
    case "size": ["size", "bytes"]
    case "usage": ["messages", "attached", "value", "semaphores"]
    case "idle": ["last_activity"]
    case "users": ["users", "held_by"]
    default: [name]
    }
  }
}

/// What rendering a row needs besides the object.
struct ListContext {
  var users: UserNames
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
/// holds it.
func usersText(_ users: [ProcessRef]?, _ kind: IPCKind, heldBy holder: Holder? = nil) -> String {
  guard kind.hasKnowableUsers else { return "n/a" }
  let held = holder.map { "held by " + $0.description }
  guard let users else { return held ?? "?" }
  let named = users.map(\.description).joined(separator: ", ")
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
