/// Takes a clean's outcomes in listing order. A session makes one for each run of objects read
/// together (possibly on several threads at once, each sink on one thread) and hands back the
/// sinks in listing order; a front end turns each outcome into its output at once, so that a
/// clean of 100,000 objects holds its output, not 100,000 records.
public protocol CleanSink: AnyObject {
  func add(_ outcome: Cleaner.Outcome)
}

/// One `clean`: which objects it selects, what it decides for each with all the evidence (the
/// /proc scan where an object needs it, application holds, the sets applications left, the
/// kernel's own records), and carrying that out, kind by kind, as the objects are read. The
/// outcomes come out typed and in listing order: kind order, names in byte order, System V ids
/// in id order. A dry run changes nothing and attaches nothing.
public struct CleanSession {
  public let selection: Selection
  /// Remove objects in use too (only what the caller may not remove, or what is marked for
  /// removal already, stays).
  public let force: Bool
  /// Only objects nobody maps, holds open or has attached (`--unused`).
  public let unusedOnly: Bool
  public let dryRun: Bool
  let inventory: Inventory
  let cleaner: Cleaner
  let usage: UsageOnDemand

  public init(
    _ context: IPCContext, selection: Selection, force: Bool = false, unusedOnly: Bool = false,
    dryRun: Bool = false
  ) {
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

  /// Cleans every selected object. Each outcome goes to a sink `makeSink` made, as soon as it
  /// is decided and carried out; the sinks come back in listing order, each fed in that order,
  /// with the kinds that could not be read (their objects were neither removed nor kept).
  public func run<Sink: CleanSink>(_ makeSink: @escaping () -> Sink)
    -> (sinks: [Sink], gaps: [ListingGap])
  {
    var (byKind, gaps) = cleanFiles(makeSink)
    for (kind, kindGaps, sink) in cleanOthers(makeSink) {
      gaps += kindGaps
      byKind[kind] = [sink]
    }
    let sinks = IPCKind.allCases.sorted().flatMap { byKind[$0] ?? [] }
    return (sinks, gaps)
  }

  /// Every outcome in one array, in listing order: for a clean small enough to hold.
  public func outcomes() -> (outcomes: [Cleaner.Outcome], gaps: [ListingGap]) {
    let (sinks, gaps) = run { OutcomeList() }
    return (sinks.flatMap(\.outcomes), gaps)
  }

  /// POSIX segments and semaphores, the bulk, stream on all cores: each run of files is
  /// stat'ed, planned and unlinked by the thread that read it while others read on. (Taking
  /// turns to unlink, since unlinks queue on the directory's lock, measured slower.)
  private func cleanFiles<Sink: CleanSink>(_ makeSink: @escaping () -> Sink)
    -> ([IPCKind: [Sink]], [ListingGap])
  {
    let fileKinds = selection.kinds.intersection(IPCKind.shmFileKinds)
    guard !fileKinds.isEmpty else { return ([:], []) }
    let (runs, gaps) = inventory.list(fileKinds, withValues: false) { run -> (IPCKind?, Sink) in
      let sink = makeSink()
      // A file's users are in no record but the /proc scan (`UsageOnDemand.isNeeded`): taken
      // once per run, at its first selected object, not copied out for every object.
      var users: UsageScanner.Report?
      var scanned = force
      for object in run {
        guard selected(object) else { continue }
        if !scanned {
          users = usage.report
          scanned = true
        }
        let outcome = cleaner.plan(object, users: users, force: force)
        sink.add(dryRun ? outcome : cleaner.carriedOut(outcome))
      }
      // A run is of one kind.
      return (run.first?.kind, sink)
    }
    var byKind: [IPCKind: [Sink]] = [:]
    for case (let kind?, let sink) in runs { byKind[kind, default: []].append(sink) }
    return (byKind, gaps)
  }

  /// What one unit of the other kinds' work gave: a listed kind's sink, or a System V range's
  /// outcomes with their ids.
  private enum Done<Sink> {
    case listed(Sink, [ListingGap])
    case slots(SysVSlots.Pass<Cleaner.Outcome>)
  }

  /// The other kinds. System V objects are read slot by slot in ranges that every thread
  /// takes in turn, so that both cores work to the end whatever the mix of kinds, each
  /// removed as soon as the kernel has given its record; queues are listed.
  private func cleanOthers<Sink: CleanSink>(_ makeSink: @escaping () -> Sink)
    -> [(IPCKind, [ListingGap], Sink)]
  {
    let others = IPCKind.allCases.filter {
      selection.kinds.contains($0) && $0 != .posixSharedMemory && $0 != .posixSemaphore
    }
    var byKind: [[(kind: IPCKind, slots: Range<Int32>?)]] = []
    for kind in others {
      if let ranges = SysVSlots.ranges(kind, size: 2048) {  // nil for queues, and for no objects
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
    ) { chunk -> Done<Sink> in
      let (kind, slots) = work[chunk.lowerBound]
      guard let slots else {
        let (sink, gaps) = cleanListed(kind, makeSink)
        return .listed(sink, gaps)
      }
      // Decided and carried out the moment the kernel gives the record; told once the
      // kind's ids are all known, in id order.
      return .slots(SysVSlots.read(kind, slots) { decide($0, readJustNow: true) })
    }
    return others.map { kind in
      var passes: [SysVSlots.Pass<Cleaner.Outcome>] = []
      for (unit, result) in zip(work, done) where unit.kind == kind {
        switch result {
        case .listed(let sink, let gaps): return (kind, gaps, sink)
        case .slots(let pass): passes.append(pass)
        }
      }
      return joined(kind, passes, makeSink)
    }
  }

  /// One System V kind's ranges as one sink, in id order. Where no slot could be read,
  /// nothing was done, and the kind is cleaned from its listing instead.
  private func joined<Sink: CleanSink>(
    _ kind: IPCKind, _ passes: [SysVSlots.Pass<Cleaner.Outcome>], _ makeSink: () -> Sink
  ) -> (IPCKind, [ListingGap], Sink) {
    let sink = makeSink()
    switch SysVSlots.order(passes) {
    case .unreadable:
      let (listed, gaps) = cleanListed(kind, makeSink)
      return (kind, gaps, listed)
    case .asRead:
      // As they are: no copy of the records into another array.
      for pass in passes { for outcome in pass.results { sink.add(outcome) } }
    case .permuted(let order):
      let outcomes = passes.flatMap(\.results)
      for index in order { sink.add(outcomes[index]) }
    }
    return (kind, [], sink)
  }

  /// One kind as its listing gives it (queues, and System V where slots cannot be read).
  private func cleanListed<Sink: CleanSink>(_ kind: IPCKind, _ makeSink: () -> Sink)
    -> (Sink, [ListingGap])
  {
    let sink = makeSink()
    let listing = inventory.list([kind], withValues: false)
    for object in listing.objects {
      if let outcome = decide(object, readJustNow: false) { sink.add(outcome) }
    }
    return (sink, listing.gaps)
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

  /// Planned and, unless a dry run, carried out at once. A plan that made or waited for a
  /// /proc scan (`selected` and `scan` may ask for one) planned from a record no longer
  /// current: the cleaner reads it again before removing.
  private func decide(_ object: IPCObjectInfo, readJustNow: Bool) -> Cleaner.Outcome? {
    let scansBefore = usage.scansMade
    guard let outcome = plan(object) else { return nil }
    guard !dryRun else { return outcome }
    return cleaner.carriedOut(
      outcome, readJustNow: readJustNow, waitedSinceRead: usage.scansMade != scansBefore)
  }
}

/// A sink that keeps every outcome.
final class OutcomeList: CleanSink {
  var outcomes: [Cleaner.Outcome] = []

  func add(_ outcome: Cleaner.Outcome) { outcomes.append(outcome) }
}
