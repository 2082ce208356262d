import Glibc
import IPCKit

/// One `clean`: which objects it selects, what it plans for each, and carrying that out, kind
/// by kind, as the objects are read.
struct CleanRun {
  let selection: Selection
  let force: Bool
  let unusedOnly: Bool
  let dryRun: Bool
  let inventory: Inventory
  let cleaner: Cleaner
  let usage: UsageOnDemand

  init(selection: Selection, force: Bool, unusedOnly: Bool, dryRun: Bool, context: IPCContext) {
    (self.selection, self.force, self.unusedOnly, self.dryRun) = (selection, force, unusedOnly, dryRun)
    inventory = Inventory(context: context)
    usage = UsageOnDemand(UsageScanner(context: context))
    var cleaner = Cleaner(inventory: inventory)
    cleaner.broadSelection = selection.namesNoObject
    // Only segments and POSIX semaphores are held (queues and System V sets never are).
    if !force
      && !selection.kinds.isDisjoint(with: [.sysvSharedMemory, .posixSharedMemory, .posixSemaphore])
    {
      // Before anything is removed: which objects applications hold, and which sets they
      // left may go whole.
      // A dry run attaches nothing: the kernel would record the attachment.
      cleaner.holds = ApplicationHolds.read(inventory, findLeftSets: true, mayAttach: !dryRun)
      if !cleaner.holds.leftSets.isEmpty {
        let now = context.clock.now
        let selected = { [selection, unusedOnly, usage] (object: IPCObjectInfo) in
          selection.matches(object, now: now) && (!unusedOnly || usage.isUnused(object))
        }
        cleaner.planLeftSets(selected: selected, users: usage.report, force: force)
      }
    }
    self.cleaner = cleaner
  }

  /// Every selected object's outcome, in listing order, told as decided, and the kinds that
  /// could not be read.
  func cleanAll(json: Bool) -> (report: CleanReport, gaps: [ListingGap]) {
    var (byKind, gaps) = cleanFiles(json: json)
    for (kind, (kindGaps, report)) in cleanOthers(json: json) {
      gaps += kindGaps
      byKind[kind] = [report]
    }
    let report = CleanReport(json: json, dryRun: dryRun)
    for kind in IPCKind.allCases.sorted() {
      for part in byKind[kind] ?? [] { report.append(part) }
    }
    return (report, gaps)
  }

  /// POSIX segments and semaphores, the bulk, stream on all cores: each run of files is
  /// stat'ed, planned and unlinked by the thread that read it while others read on. (Taking
  /// turns to unlink, since unlinks queue on the directory's lock, measured slower.)
  private func cleanFiles(json: Bool) -> ([IPCKind: [CleanReport]], [ListingGap]) {
    let fileKinds = selection.kinds.intersection([.posixSharedMemory, .posixSemaphore])
    guard !fileKinds.isEmpty else { return ([:], []) }
    let (runs, gaps) = inventory.list(fileKinds, withValues: false) { run -> (IPCKind?, CleanReport) in
      let report = CleanReport(json: json, dryRun: dryRun)
      for object in run {
        guard let outcome = plan(object) else { continue }
        report.add(dryRun ? outcome : cleaner.carriedOut(outcome))
      }
      // A run is of one kind.
      return (run.first?.kind, report)
    }
    var byKind: [IPCKind: [CleanReport]] = [:]
    for case (let kind?, let report) in runs { byKind[kind, default: []].append(report) }
    return (byKind, gaps)
  }

  /// The other kinds. System V objects are read slot by slot in ranges that every thread
  /// takes in turn, so that both cores work to the end whatever the mix of kinds, each
  /// removed as soon as the kernel has given its record; queues are listed.
  private func cleanOthers(json: Bool) -> [(IPCKind, (gaps: [ListingGap], report: CleanReport))] {
    let others = IPCKind.allCases.filter {
      selection.kinds.contains($0) && $0 != .posixSharedMemory && $0 != .posixSemaphore
    }
    var byKind: [[(kind: IPCKind, slots: Range<Int32>?)]] = []
    var slotted: Set<IPCKind> = []
    for kind in others {
      if let ranges = SysVSlots.ranges(kind, size: 2048) {  // nil for queues, and for no objects
        slotted.insert(kind)
        byKind.append(ranges.map { (kind, $0) })
      } else {
        byKind.append([(kind, nil)])
      }
    }
    // The kinds' ranges taken in turn: threads on different kinds contend for no lock (each
    // kind's ids have their own lock), where two on one kind take turns for its removals.
    let work = (0..<(byKind.map(\.count).max() ?? 0)).flatMap { index in
      byKind.compactMap { index < $0.count ? $0[index] : nil }
    }
    let done = inParallel(
      chunks: chunked(work.count, size: 1), threads: usefulThreads(for: work.count, perThread: 1)
    ) { chunk -> (report: CleanReport, gaps: [ListingGap], pass: SysVSlots.Pass<Void>?) in
      let (kind, slots) = work[chunk.lowerBound]
      guard let slots else {
        let (report, gaps) = cleanListed(kind, json: json)
        return (report, gaps, nil)
      }
      let report = CleanReport(json: json, dryRun: dryRun)
      // Each outcome is told as decided, one line (or JSON item) each, in slot order.
      let pass = SysVSlots.read(kind, slots) { object -> Void? in
        decide(object, readJustNow: true).map(report.add)
      }
      return (report, [], pass)
    }
    return others.map { kind in
      let parts = zip(work, done).filter { $0.0.kind == kind }.map(\.1)
      guard slotted.contains(kind) else { return (kind, (parts[0].gaps, parts[0].report)) }
      return (kind, joined(kind, parts.map { ($0.report, $0.pass!) }, json: json))
    }
  }

  /// One System V kind's ranges as one report in id order. Where no slot could be read,
  /// nothing was done, and the kind is cleaned from its listing instead.
  private func joined(
    _ kind: IPCKind, _ parts: [(report: CleanReport, pass: SysVSlots.Pass<Void>)], json: Bool
  ) -> (gaps: [ListingGap], report: CleanReport) {
    let report = CleanReport(json: json, dryRun: dryRun, capacity: 0)
    switch SysVSlots.order(parts.map(\.pass)) {
    case .unreadable:
      let (listed, gaps) = cleanListed(kind, json: json)
      return (gaps, listed)
    case .asRead:
      for part in parts { report.append(part.report) }  // as they are, nothing copied
    case .permuted(let order):
      for part in parts { report.absorb(part.report) }
      report.reorder(order)
    }
    return ([], report)
  }

  /// One kind as its listing gives it (queues, and System V where slots cannot be read).
  private func cleanListed(_ kind: IPCKind, json: Bool) -> (CleanReport, [ListingGap]) {
    let report = CleanReport(json: json, dryRun: dryRun)
    let listing = inventory.list([kind], withValues: false)
    for object in listing.objects {
      if let outcome = decide(object, readJustNow: false) { report.add(outcome) }
    }
    return (report, listing.gaps)
  }

  private func selected(_ object: IPCObjectInfo) -> Bool {
    guard selection.matches(object, now: inventory.context.clock.now) else { return false }
    if selection.olderThan != nil && usage.isMapped(object) { return false }
    return !unusedOnly || usage.isUnused(object)
  }

  /// What of the /proc scan planning `object` needs: its users, or, in a broad clean, only
  /// how many processes its owner runs (no maps, no descriptors); nil for neither.
  private func scan(for object: IPCObjectInfo) -> UsageScanner.Report? {
    if UsageOnDemand.isNeeded(for: object) { return usage.report }
    return cleaner.broadSelection && object.uid != 0 ? usage.owners : nil
  }

  /// The outcome planned for a selected object; nil for one not selected.
  private func plan(_ object: IPCObjectInfo) -> Cleaner.Outcome? {
    guard selected(object) else { return nil }
    let users = force ? nil : scan(for: object)
    return cleaner.plan(object, users: users, force: force)
  }

  /// Planned and, unless a dry run, carried out at once.
  private func decide(_ object: IPCObjectInfo, readJustNow: Bool) -> Cleaner.Outcome? {
    guard let outcome = plan(object) else { return nil }
    return dryRun ? outcome : cleaner.carriedOut(outcome, readJustNow: readJustNow)
  }
}
