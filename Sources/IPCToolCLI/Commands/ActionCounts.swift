import IPCKit

/// How many outcomes of each action, counted once for the text, the JSON and the status.
/// Kept objects are told apart by why: in use (users, attachments, activity), users unknown,
/// or marked for removal already; failures that are refusals apart from the rest.
struct ActionCounts {
  var removed = 0, wouldRemove = 0, kept = 0, failed = 0, gone = 0
  var inUse = 0, usersUnknown = 0, ownerActive = 0, markedForRemoval = 0, permissionDenied = 0

  var total: Int { removed + wouldRemove + kept + failed + gone }

  mutating func add(_ outcome: Cleaner.Outcome) {
    switch outcome.action {
    case .removed: removed += 1
    case .wouldRemove: wouldRemove += 1
    case .kept: kept += 1
    case .failed: failed += 1
    case .gone: gone += 1
    }
    switch outcome.reason {
    case .inUse, .attached, .activity, .heldBy, .setStays: inUse += 1
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
    usersUnknown += other.usersUnknown
    ownerActive += other.ownerActive
    markedForRemoval += other.markedForRemoval
    permissionDenied += other.permissionDenied
  }

  /// "removed 2, kept 1 in use, failed 0", or with a dry run "would remove 2, ...".
  func summary(dryRun: Bool) -> String {
    dryRun
      ? "would remove \(wouldRemove), \(keptAndFailed) (dry run: nothing changed)"
      : "removed \(removed), \(keptAndFailed)"
  }

  /// "kept 1 in use, 2 users unknown, failed 3 (permission denied), gone 1".
  var keptAndFailed: String {
    var text = "kept \(inUse) in use"
    if usersUnknown > 0 { text += ", \(usersUnknown) users unknown" }
    if ownerActive > 0 { text += ", \(ownerActive) of owners still running" }
    if markedForRemoval > 0 { text += ", \(markedForRemoval) marked for removal" }
    text += ", failed \(failed)"
    if permissionDenied > 0 {
      text += permissionDenied == failed ? " (permission denied)" : " (\(permissionDenied) permission denied)"
    }
    if gone > 0 { text += ", gone \(gone)" }
    return text
  }
}
