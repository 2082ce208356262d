import IPCKit

/// A column of `watch`'s table: one of `list`'s (`ListColumn`, shown as list shows it) or one
/// of the changes between two refreshes, which only a watch has.
struct WatchColumn: Sendable {
  /// How rows sort by a column: numbers as numbers, an unknown value last.
  enum SortKey: Comparable {
    case number(Double)
    case text(String)
    case none
  }

  var name: String
  var header: String
  var help: String
  var alignment: ListColumn.Alignment
  /// Whether the highest comes first when sorting by it (rates, as top sorts).
  var highestFirst = false
  var value: @Sendable (WatchRow, ListContext) -> String
  /// List's cell for one of list's columns, called in place on the object: `value` wraps it in
  /// a second closure, and a table of tens of thousands of rows pays for that call per cell.
  var listValue: ListColumn.Value?
  /// Whether its cell is decided by the object alone (and options fixed for the whole watch):
  /// the same for an unchanged object, so a refresh takes it again rather than making it anew.
  /// Not a time or an idle time (the clock moves), a process (it may end), a group (its names
  /// are read again), a namespace's, users or holders.
  var byObject = false
  var sortKey: @Sendable (WatchRow, ListContext) -> SortKey

  /// One of list's columns, its cells and order as list has them.
  init(_ column: ListColumn) {
    name = column.name
    header = column.header
    help = column.help
    alignment = column.alignment
    value = { row, context in column.value(row.object, context) }
    listValue = column.value
    byObject = Self.byObjectNames.contains(column.name)
    sortKey = { row, context in
      switch column.sortKey(row.object, context) {
      case .none: .none
      case .number(let number): .number(Double(number))
      case .text(let text): .text(text)
      }
    }
  }

  /// A change between refreshes: right-aligned, highest first, "-" where it does not apply.
  init(
    _ name: String, _ header: String, _ help: String,
    _ number: @escaping @Sendable (ObjectDelta) -> Double?,
    text: @escaping @Sendable (ObjectDelta, IPCKind) -> String
  ) {
    self.name = name
    self.header = header
    self.help = help
    alignment = .right
    highestFirst = true
    value = { row, _ in row.delta.map { text($0, row.object.kind) } ?? "-" }
    sortKey = { row, _ in row.delta.flatMap(number).map(SortKey.number) ?? .none }
  }

  /// The changes: messages in, out and net per second, and what else moved.
  static let changes: [WatchColumn] = [
    WatchColumn(
      "in", "IN/S", "messages sent to a queue per second ('?': only the net change is known)",
      { $0.messagesIn }, text: { rateText($0.messagesIn, $0.messagesNet, $1) }),
    WatchColumn(
      "out", "OUT/S", "messages received from a queue per second ('?': only the net is known)",
      { $0.messagesOut }, text: { rateText($0.messagesOut, $0.messagesNet, $1) }),
    WatchColumn(
      "net", "NET/S", "change of the messages queued per second", { $0.messagesNet },
      text: { delta, _ in delta.messagesNet.map { signedRate($0) } ?? "-" }),
    WatchColumn(
      "change", "CHANGE", "attached (+/-), semaphore value, semop or size changed since",
      { delta in (delta.attachedChange ?? delta.valueChange ?? delta.sizeChange).map(Double.init) },
      text: { delta, _ in changeText(delta) }),
  ]

  static let defaultNames = ["ref", "owner", "size", "usage", "in", "out", "net", "change", "idle"]

  /// List's columns whose cell is decided by the object alone: user names are read once per
  /// watch (`UserNames` keeps them), sizes shown as --bytes says for the whole watch.
  static let byObjectNames: Set<String> = [
    "ref", "kind", "key", "owner", "mode", "size", "usage", "id", "uid", "gid", "perms", "cuid",
    "cgid", "cuser", "status", "name", "value",
  ]

  /// The column `name` (lowercase) names: a change, else one of list's.
  static func named(_ name: String) -> WatchColumn? {
    let bare = name.hasSuffix("/s") ? String(name.dropLast(2)) : name
    return changes.first { $0.name == bare } ?? ListColumn.named(name).map(WatchColumn.init)
  }

  /// Every column -o takes: list's and the changes.
  static var all: [(name: String, help: String)] {
    ListColumn.all.map { ($0.name, $0.help) } + changes.map { ($0.name, $0.help) }
  }
}

/// "12.5", "0", "1250": a rate, one decimal under 100.
func rateText(_ value: Double) -> String {
  if value == 0 { return "0" }
  return abs(value) >= 100 ? String(Int(value.rounded())) : String(format1(value))
}

/// "+2.5", "-1.0", "0".
func signedRate(_ value: Double) -> String {
  value > 0 ? "+" + rateText(value) : rateText(value)
}

/// A queue's in or out rate: the number, "?" where only the net is known; "-" for others.
private func rateText(_ rate: Double?, _ net: Double?, _ kind: IPCKind) -> String {
  guard kind.mechanism == .messageQueue, net != nil else { return "-" }
  return rate.map(rateText) ?? "?"
}

/// What else moved: "attach +1", "value -2", "semop", "size +4.0K"; "-" for nothing.
private func changeText(_ delta: ObjectDelta) -> String {
  if let change = delta.attachedChange, change != 0 || delta.attachActivity {
    return "attach " + (change == 0 ? "±0" : signed(change))
  }
  if let change = delta.valueChange, change != 0 { return "value " + signed(change) }
  if delta.semaphoreOperated { return "semop" }
  if let change = delta.sizeChange, change != 0 {
    let size = ByteSize.human(change.magnitude)
    return "size " + (change > 0 ? "+" : "-") + size
  }
  return "-"
}

private func signed(_ value: Int64) -> String { value > 0 ? "+\(value)" : String(value) }

/// One decimal, without Foundation: 2.5, 0.3, 12.0.
private func format1(_ value: Double) -> String {
  let tenths = Int((abs(value) * 10).rounded())
  return (value < 0 ? "-" : "") + "\(tenths / 10).\(tenths % 10)"
}
