import Glibc
import Synchronization

/// The job behind `ipctool metrics`: one snapshot of every object (of one IPC namespace, or of
/// each), its users, the kernel limits and /dev/shm, turned into metric families. Series are
/// per kind and owner, so their number stays small however many objects there are; only
/// `perObject` adds one per object.
public struct MetricsScrape {
  public var perObject: Bool

  public init(perObject: Bool = false) {
    self.perObject = perObject
  }

  /// What one scrape gives: the families, and what could not be read (each also counted in
  /// `ipctool_scrape_errors`).
  public struct Result {
    public var families: [MetricFamily]
    /// Kinds left out, with the namespace they were left out of (nil: the context's own).
    public var gaps: [(namespace: NamespaceTag?, gap: ListingGap)]
    /// Namespaces that could not be joined.
    public var unjoined: [(namespace: IPCNamespaceSummary, code: Errno)]
    /// With every namespace, the processes whose IPC namespace could not be read (also the
    /// series ipctool_namespace_unreadable_processes).
    public var unreadableProcesses: Int?
  }

  /// One namespace's share of the scrape.
  struct Part {
    var tag: NamespaceTag?
    var tally = MetricsTally()
    var limits: [KernelLimit] = []
    var shmSpace: ShmSpace?
    var now = 0
  }

  /// Reads the objects `context` shows, or with `allNamespaces` those of every IPC namespace,
  /// and makes the metric families. The duration is measured from here to the families made.
  public func read(_ context: IPCContext, allNamespaces: Bool) -> Result {
    let start = Clock.monotonicSeconds()
    var snapshot = Snapshot(selection: Selection(), withUsers: true)
    snapshot.withValues = false  // counts need no call per object
    snapshot.withHolds = false  // no series names an application
    let settings = Mutex<[UInt64: KernelLimits.Settings]>([:])
    let perObject = self.perObject
    // Called once per namespace, on the thread that joined it: the limits are that
    // namespace's (they are set per IPC namespace). Their use is counted from the objects
    // the snapshot reads (MetricsTally.limitUse), not from a second listing.
    let render = { (scope: Snapshot.Scope) -> ([IPCObjectInfo]) -> MetricsTally in
      let read = KernelLimits(inventory: Inventory(context: scope.context)).settings()
      settings.withLock { $0[scope.namespace?.inode ?? 0] = read }
      return { MetricsTally($0, perObject: perObject) }
    }
    var parts: [Part] = []
    var result = Result(families: [], gaps: [], unjoined: [])
    func part(_ reading: Snapshot.Reading<MetricsTally>, shmSpace: ShmSpace?) -> Part {
      var part = Part(tag: reading.scope.namespace, shmSpace: shmSpace)
      for tally in reading.parts { part.tally.add(tally) }
      var use = part.tally.limitUse
      use.queuesKnown = !reading.gaps.contains { $0.kinds.contains(.posixQueue) }
      part.limits = settings.withLock { $0[reading.scope.namespace?.inode ?? 0] }?.limits(use) ?? []
      part.now = reading.scope.context.clock.now
      result.gaps += reading.gaps.map { (reading.scope.namespace, $0) }
      return part
    }
    var unreadableProcesses: UInt64?
    if allNamespaces {
      let survey = snapshot.surveyEveryNamespace(context, render)
      unreadableProcesses = UInt64(survey.unreadableProcesses)
      result.unreadableProcesses = survey.unreadableProcesses
      for namespace in survey.namespaces {
        switch namespace.reading {
        case .success(let reading): parts.append(part(reading, shmSpace: namespace.shmSpace))
        case .failure(let code):
          result.unjoined.append((namespace.namespace, code))
          parts.append(Part(tag: namespace.namespace.tag, shmSpace: namespace.shmSpace))
        }
      }
    } else {
      let reading = snapshot.read(context, render)
      parts.append(part(reading, shmSpace: reading.shmSpace))
    }
    let unjoined = Set(result.unjoined.map(\.namespace.inode))
    result.families = MetricsFamilies(
      parts: parts, perObject: perObject, allNamespaces: allNamespaces, unjoined: unjoined
    ).families
    if let unreadableProcesses {
      result.families.append(
        MetricFamily(.namespaceUnreadableProcesses, [MetricSample([], .count(unreadableProcesses))]))
    }
    let errors = UInt64(result.gaps.count + result.unjoined.count)
    result.families.append(MetricFamily(.scrapeErrors, [MetricSample([], .count(errors))]))
    let duration = max(0, Clock.monotonicSeconds() - start)
    result.families.append(MetricFamily(.scrapeDuration, [MetricSample([], .measure(duration))]))
    return result
  }
}
