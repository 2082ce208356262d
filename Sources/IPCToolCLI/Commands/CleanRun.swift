import Glibc
import IPCKit

/// One `clean`: which objects it selects, what it plans for each, and carrying that out, kind
/// by kind, as the objects are read.
struct CleanRun {
  let selection: ObjectSelection
  let force: Bool
  let unusedOnly: Bool
  let dryRun: Bool
  let inventory = Inventory()
  let cleaner: Cleaner
  let usage: UsageOnDemand
  let caller = Caller.current()

  init(selection: ObjectSelection, force: Bool, unusedOnly: Bool, dryRun: Bool) {
    (self.selection, self.force, self.unusedOnly, self.dryRun) = (selection, force, unusedOnly, dryRun)
    usage = UsageOnDemand(UsageScanner(paths: inventory.paths))
    var cleaner = Cleaner(inventory: inventory)
    cleaner.broadSelection = selection.namesNoObject
    if !force {
      // Before anything is removed: which objects applications hold, and which sets they
      // left may go whole.
      cleaner.holds = ApplicationHolds.read(inventory, findLeftSets: true)
      if !cleaner.holds.leftSets.isEmpty {
        let selected = { [selection, unusedOnly, usage] (object: IPCObjectInfo) in
          selection.matches(object) && (!unusedOnly || Self.isUnused(object, usage))
        }
        cleaner.planLeftSets(selected: selected, users: usage.report, force: force, caller: caller)
      }
    }
    self.cleaner = cleaner
  }

  /// Every selected object's outcome, in listing order, and the kinds that could not be read.
  func cleanAll() -> (outcomes: [Cleaner.Outcome], gaps: [ListingGap]) {
    var (byKind, gaps) = cleanFiles()
    for (kind, (kindGaps, outcomes)) in cleanOthers() {
      gaps += kindGaps
      byKind[kind] = outcomes
    }
    return (IPCKind.allCases.sorted().flatMap { byKind[$0] ?? [] }, gaps)
  }

  /// POSIX segments and semaphores, the bulk, stream on all cores: each run of files is
  /// stat'ed, planned and unlinked by the thread that read it while others read on. (Taking
  /// turns to unlink, since unlinks queue on the directory's lock, measured slower.)
  private func cleanFiles() -> ([IPCKind: [Cleaner.Outcome]], [ListingGap]) {
    let fileKinds = selection.kinds.intersection([.posixSharedMemory, .posixSemaphore])
    guard !fileKinds.isEmpty else { return ([:], []) }
    let (runs, gaps) = inventory.list(fileKinds, withValues: false) { run -> [Cleaner.Outcome] in
      let planned = run.compactMap(plan)
      return dryRun ? planned : planned.map { cleaner.carriedOut($0) }
    }
    // Runs of segments come first, then runs of semaphores.
    let outcomes = Array(runs.joined())
    let split = outcomes.firstIndex { $0.object.kind == .posixSemaphore } ?? outcomes.endIndex
    return (
      [.posixSharedMemory: Array(outcomes[..<split]), .posixSemaphore: Array(outcomes[split...])],
      gaps
    )
  }

  /// The other kinds, each read and cleaned on a thread of its own; System V objects are
  /// removed as soon as the kernel has given their record.
  private func cleanOthers() -> [(IPCKind, (gaps: [ListingGap], outcomes: [Cleaner.Outcome]))] {
    let others = IPCKind.allCases.filter {
      selection.kinds.contains($0) && $0 != .posixSharedMemory && $0 != .posixSemaphore
    }
    let cleaned = inParallel(chunks: chunked(others.count, size: 1), threads: others.count) {
      range -> (gaps: [ListingGap], outcomes: [Cleaner.Outcome]) in
      let kind = others[range.lowerBound]
      if let outcomes = inventory.mapSysVSlots(kind, { decide($0, readJustNow: true) }) {
        return ([], outcomes)
      }
      let listing = inventory.list([kind], withValues: false)
      return (listing.gaps, listing.objects.compactMap { decide($0, readJustNow: false) })
    }
    return Array(zip(others, cleaned))
  }

  private func selected(_ object: IPCObjectInfo) -> Bool {
    guard selection.matches(object) else { return false }
    return !unusedOnly || Self.isUnused(object, usage)
  }

  /// Whether planning `object` needs the /proc scan: for its users, or, in a broad clean,
  /// for its owner's processes.
  private func needsScan(_ object: IPCObjectInfo) -> Bool {
    UsageOnDemand.isNeeded(for: object) || (cleaner.broadSelection && object.uid != 0)
  }

  /// What `--unused` selects, for clean and list alike: nobody maps it or holds it open, and
  /// for System V segments none attached. (Queues and sets have no users the kernel records;
  /// their evidence of use is weighed when clean plans, not here.)
  static func isUnused(_ object: IPCObjectInfo, _ usage: UsageOnDemand) -> Bool {
    guard UsageOnDemand.isNeeded(for: object) else { return true }
    return usage.report.users(of: object)?.isEmpty == true
      && (object.details.sysvSegment?.attached ?? 0) == 0
  }

  /// The outcome planned for a selected object; nil for one not selected.
  private func plan(_ object: IPCObjectInfo) -> Cleaner.Outcome? {
    guard selected(object) else { return nil }
    let users = !force && needsScan(object) ? usage.report : nil
    return cleaner.plan(object, users: users, force: force, caller: caller)
  }

  /// Planned and, unless a dry run, carried out at once.
  private func decide(_ object: IPCObjectInfo, readJustNow: Bool) -> Cleaner.Outcome? {
    guard let outcome = plan(object) else { return nil }
    return dryRun ? outcome : cleaner.carriedOut(outcome, readJustNow: readJustNow)
  }
}
