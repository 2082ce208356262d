import IPCKit

/// What a clean tells, gathered as each outcome is decided: the counts, and the outcome put in
/// words at once (a text line or a JSON item) so its record can go. A clean of 100,000 objects
/// then holds its output, not 100,000 records (which were most of its memory and, copied
/// about, a good part of its time).
///
/// The session hands outcomes over in listing order, one report per run of objects read
/// together (on several threads at once); `append` joins them.
final class CleanReport: CleanSink {
  let json: Bool
  /// A dry run's lines say "would remove", and the others are padded to line up with it.
  let dryRun: Bool
  var counts = ActionCounts()
  /// Text lines, or JSON items each after ",\n  ".
  private var body: [ByteBuffer]

  init(json: Bool, dryRun: Bool = false, capacity: Int = 4096) {
    (self.json, self.dryRun) = (json, dryRun)
    body = [ByteBuffer(capacity: capacity)]
  }

  func add(_ outcome: Cleaner.Outcome) {
    counts.add(outcome)
    let out = body[body.count - 1]
    if json {
      out.append(",\n  " as StaticString)
      Self.item(outcome, dryRun: dryRun).write(to: out)
    } else {
      Self.line(outcome, dryRun: dryRun, into: out)
    }
  }

  /// Adds what another report gathered, after what this one has.
  func append(_ other: CleanReport) {
    counts.merge(other.counts)
    body += other.body
  }

  /// The whole output: the lines and the summary, or the JSON document.
  func document(dryRun: Bool) -> [ByteBuffer] {
    let summary = ByteBuffer()
    guard json else {
      summary.append(counts.summary(dryRun: dryRun) + "\n")
      return body + [summary]
    }
    let head = ByteBuffer()
    head.append(UInt8(ascii: "{"))
    for (name, value) in extra(dryRun: dryRun) {
      JSON.escape(name, into: head)
      head.append(": " as StaticString)
      value.write(to: head)
      head.append(", " as StaticString)
    }
    head.append("\"objects\": [" as StaticString)
    // The first item's separator is only its line break.
    if let first = body.first(where: { $0.count > 0 }) { first.removeFirst(1) }
    summary.append(counts.total == 0 ? "]}\n" as StaticString : "\n]}\n")
    return [head] + body + [summary]
  }

  private func extra(dryRun: Bool) -> [(String, JSON)] {
    [
      ("dry_run", .bool(dryRun)), ("removed", .number(counts.removed)),
      ("would_remove", .number(counts.wouldRemove)), ("kept", .number(counts.kept)),
      ("failed", .number(counts.failed)), ("gone", .number(counts.gone)),
      ("in_use", .number(counts.inUse)), ("recently_used", .number(counts.recentlyUsed)),
      ("new", .number(counts.new)), ("holds_messages", .number(counts.holdsMessages)),
      ("held_by_application", .number(counts.heldByApplication)),
      ("set_stays", .number(counts.setStays)), ("users_unknown", .number(counts.usersUnknown)),
      ("owner_active", .number(counts.ownerActive)),
      ("marked_for_removal", .number(counts.markedForRemoval)),
      ("permission_denied", .number(counts.permissionDenied)),
      ("kinds_not_read", .number(counts.kindsNotRead)),
    ]
  }

  /// "removed  sysv-shm:42" or "kept     posix-shm:/x: in use by 4242 (worker)".
  static func line(_ outcome: Cleaner.Outcome, dryRun: Bool, into out: ByteBuffer) {
    out.append(column(outcome.action))
    if dryRun && outcome.action != .wouldRemove { out.appendSpaces(4) }  // "would remove " is 13
    out.append(outcome.object.kind.rawValue)
    out.append(UInt8(ascii: ":"))
    if let name = outcome.object.name {
      out.append(name.description)
    } else {
      out.appendDecimal(UInt64(max(outcome.object.id ?? 0, 0)))
    }
    if let reason = outcome.reason {
      out.append(": " as StaticString)
      out.append(reason.words(dryRun: dryRun))
    }
    out.append(UInt8(ascii: "\n"))
  }

  /// What happened, padded so the references line up.
  private static func column(_ action: Cleaner.Action) -> StaticString {
    switch action {
    case .removed: "removed  "
    case .wouldRemove: "would remove "
    case .kept: "kept     "
    case .failed: "failed   "
    case .gone: "gone     "
    }
  }

  static func item(_ outcome: Cleaner.Outcome, dryRun: Bool = false) -> JSON {
    .object([
      ("ref", .string(outcome.object.reference.description)),
      ("kind", .string(outcome.object.kind.rawValue)),
      ("action", .string(outcome.action.rawValue)),
      ("reason", .string(outcome.reason?.words(dryRun: dryRun))),
      ("why", .string(outcome.reason?.code)),
      ("users", usersJSON(outcome.object.users)),
      // Of a queue, how many messages it held (and, removed, took with it); null for others.
      ("messages", .number(outcome.object.queuedMessages ?? ([.posixQueue, .sysvQueue].contains(outcome.object.kind) ? 0 : nil))),
    ] + unreadableJSON(outcome.reason))
  }

  /// Every process that could not be read, where that kept the object (the text names two).
  private static func unreadableJSON(_ reason: Cleaner.Reason?) -> [(String, JSON)] {
    guard case .usersUnknown(let processes) = reason else { return [] }
    return [("unreadable", usersJSON(processes))]
  }
}
