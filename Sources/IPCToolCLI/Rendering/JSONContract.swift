import IPCKit

/// One field of the JSON `list` and `inspect` write for an object.
struct JSONField: Sendable {
  /// When an object has the field.
  enum Scope: Sendable, CaseIterable {
    /// `list --json`, and so `inspect --json` too.
    case list
    /// `list --users --json` and `inspect --json`.
    case users
    /// `list --all-namespaces --json`.
    case allNamespaces
    /// `inspect --json` only: the detail.
    case inspect
  }

  var key: String
  var scope: Scope
  var kinds: [IPCKind]
}

/// The JSON contract of `list --json` and `inspect --json`, in one table: the renderers
/// (`ObjectFields`, the files of Rendering/Kinds) write what it says (JSONContractTests
/// fails when they differ), columns name their fields from it, and the man page's and the
/// README's per-kind lists are made from it.
enum JSONContract {
  static let all = IPCKind.allCases
  static let systemV = IPCKind.allCases.filter { !$0.isNamed }

  static let fields: [JSONField] =
    ["ref", "kind", "name", "name_hex", "id", "key", "uid", "gid", "owner", "mode", "changed", "last_activity"]
    .map { JSONField(key: $0, scope: .list, kinds: all) }
    + kind(.posixQueue, list: ["messages", "max_messages", "message_size", "bytes"], inspect: ["notify_pid"])
    + kind(
      .sysvQueue, list: ["messages", "bytes", "max_bytes"],
      inspect: ["last_send_pid", "last_receive_pid", "last_send", "last_receive"])
    + kind(.posixSharedMemory, list: ["size"], inspect: ["resident_bytes"])
    + kind(
      .sysvSharedMemory, list: ["size", "attached"],
      inspect: [
        "creator_pid", "last_pid", "last_attach", "last_detach", "marked_for_removal", "locked",
        "resident_bytes", "swapped_bytes",
      ])
    + kind(.posixSemaphore, list: ["value"], inspect: [])
    + kind(.sysvSemaphore, list: ["semaphores"], inspect: ["last_operation", "semaphore_states"])
    + ["creator_uid", "creator_gid"].map { JSONField(key: $0, scope: .list, kinds: systemV) }
    + ["users", "held_by"].map { JSONField(key: $0, scope: .users, kinds: all) }
    + ["namespace", "container"].map { JSONField(key: $0, scope: .allNamespaces, kinds: all) }
    + ["permissions", "readable"].map { JSONField(key: $0, scope: .inspect, kinds: all) }

  private static func kind(_ kind: IPCKind, list: [String], inspect: [String]) -> [JSONField] {
    list.map { JSONField(key: $0, scope: .list, kinds: [kind]) }
      + inspect.map { JSONField(key: $0, scope: .inspect, kinds: [kind]) }
  }

  /// The keys an object of `kind` has in these scopes.
  static func keys(_ kind: IPCKind, _ scopes: Set<JSONField.Scope>) -> Set<String> {
    Set(fields.filter { scopes.contains($0.scope) && $0.kinds.contains(kind) }.map(\.key))
  }

  /// A kind's own fields (those not every kind has), in the table's order.
  static func ownKeys(_ kind: IPCKind, _ scope: JSONField.Scope) -> [String] {
    fields.filter { $0.scope == scope && $0.kinds.contains(kind) && $0.kinds.count < all.count }.map(\.key)
  }

  /// The man page's sentence: "posix-mq has messages, ... and bytes; ...".
  static var perKindSentence: String {
    all.map { "\($0.rawValue) has " + spoken(ownKeys($0, .list)) }.joined(separator: "; ")
  }

  /// The man page's sentence for `inspect --json`'s detail: "posix-mq adds notify_pid; ...".
  static var inspectSentence: String {
    all.filter { !ownKeys($0, .inspect).isEmpty }
      .map { "\($0.rawValue) adds " + spoken(ownKeys($0, .inspect)) }.joined(separator: "; ")
  }

  /// "a", "a and b", "a, b and c".
  private static func spoken(_ words: [String]) -> String {
    guard let last = words.last else { return "" }
    return words.count == 1 ? last : words.dropLast().joined(separator: ", ") + " and " + last
  }

  /// The README's table of each kind's own fields.
  static var readmeKindTable: String {
    let code = { (keys: [String]) in keys.isEmpty ? "-" : keys.map { "`\($0)`" }.joined(separator: ", ") }
    return "| kind | fields | `inspect` adds |\n| --- | --- | --- |\n"
      + all.map { "| `\($0.rawValue)` | \(code(ownKeys($0, .list))) | \(code(ownKeys($0, .inspect))) |\n" }.joined()
  }
}
