import IPCKit

/// How many outcomes of each action, counted once for the text, the JSON and the status.
/// Kept objects are told apart by why, each reason counted apart (in use, recently used, new,
/// holding messages, held by an application, ...); failures that are refusals apart from the
/// rest; and the selected kinds that could not be read, which fail the run as a failed object
/// does, so the summary says what the exit status says.
struct ActionCounts {
  var removed = 0, wouldRemove = 0, kept = 0, failed = 0, gone = 0
  var inUse = 0, recentlyUsed = 0, new = 0, holdsMessages = 0, heldByApplication = 0, setStays = 0
  var usersUnknown = 0, ownerActive = 0, markedForRemoval = 0, permissionDenied = 0
  /// Selected kinds that could not be read (set once, from the listing's gaps).
  var kindsNotRead = 0

  var total: Int { removed + wouldRemove + kept + failed + gone }

  /// Whether the run failed: its exit status is 1 exactly then.
  var isFailure: Bool { failed > 0 || kindsNotRead > 0 }

  mutating func add(_ outcome: Cleaner.Outcome) {
    switch outcome.action {
    case .removed: removed += 1
    case .wouldRemove: wouldRemove += 1
    case .kept: kept += 1
    case .failed: failed += 1
    case .gone: gone += 1
    }
    guard outcome.action == .kept || outcome.action == .failed else { return }
    switch outcome.reason {
    case .inUse, .attached, .activity(.waiting), .activity(.recent), .activity(.notAttachedYet):
      inUse += 1
    case .activity(.recentlyUsed): recentlyUsed += 1
    case .activity(.new): new += 1
    case .holdsMessages: holdsMessages += 1
    case .heldBy: heldByApplication += 1
    case .setStays: setStays += 1
    case .usersUnknown, .processesHidden: usersUnknown += 1
    case .ownerActive: ownerActive += 1
    case .markedForRemoval: markedForRemoval += 1
    case .permissionDenied: permissionDenied += 1
    default: break
    }
  }

  mutating func merge(_ other: ActionCounts) {
    removed += other.removed
    wouldRemove += other.wouldRemove
    kept += other.kept
    failed += other.failed
    gone += other.gone
    inUse += other.inUse
    recentlyUsed += other.recentlyUsed
    new += other.new
    holdsMessages += other.holdsMessages
    heldByApplication += other.heldByApplication
    setStays += other.setStays
    usersUnknown += other.usersUnknown
    ownerActive += other.ownerActive
    markedForRemoval += other.markedForRemoval
    permissionDenied += other.permissionDenied
    kindsNotRead += other.kindsNotRead
  }

  /// "removed 2, kept 1 in use, failed 0", or with a dry run "would remove 2, ...".
  func summary(dryRun: Bool) -> String {
    dryRun
      ? "would remove \(wouldRemove), \(keptAndFailed) (dry run: nothing changed)"
      : "removed \(removed), \(keptAndFailed)"
  }

  /// "kept 1 in use, 1 recently used, 2 users unknown, failed 3 (permission denied), gone 1".
  var keptAndFailed: String {
    var text = "kept \(inUse) in use"
    for (count, words) in [
      (recentlyUsed, "recently used"), (new, "new"), (holdsMessages, "holding messages"),
      (heldByApplication, "held by applications"), (setStays, "of crashed sets that stay whole"),
      (usersUnknown, "users unknown"), (ownerActive, "of owners still running"),
      (markedForRemoval, "marked for removal"),
    ] where count > 0 {
      text += ", \(count) \(words)"
    }
    text += ", failed \(failed)"
    if permissionDenied > 0 {
      text += permissionDenied == failed ? " (permission denied)" : " (\(permissionDenied) permission denied)"
    }
    if gone > 0 { text += ", gone \(gone)" }
    if kindsNotRead > 0 { text += ", \(kindsNotRead) \(kindsNotRead == 1 ? "kind" : "kinds") not read" }
    return text
  }
}
