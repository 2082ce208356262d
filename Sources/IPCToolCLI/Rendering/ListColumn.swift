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
      alignment: .left) { object, _ in usersText(object.users, object.kind) },
  ]

  static let defaultNames = ["ref", "owner", "mode", "size", "usage", "changed", "idle"]

  static func named(_ name: String) -> ListColumn? { all.first { $0.name == name } }
}

/// What rendering a row needs besides the object.
struct ListContext {
  var users: UserNames
  var exactBytes: Bool
  /// One clock for the whole table.
  var now = time(nil)
  /// Not shared between threads: each renders with a copy of the context and its own.
  var times = TimeTexts()
}

/// "1234 (sleep), 99 (cat)"; "-" for none, "?" where some processes could not be read, "n/a" for kinds whose users the
/// kernel does not record.
func usersText(_ users: [ProcessRef]?, _ kind: IPCKind) -> String {
  guard kind.hasKnowableUsers else { return "n/a" }
  guard let users else { return "?" }
  return users.isEmpty ? "-" : users.map(\.description).joined(separator: ", ")
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
