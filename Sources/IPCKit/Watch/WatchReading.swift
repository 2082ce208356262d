extension Snapshot {
  /// One refresh of a watch: the sample, the scope each namespace's objects were read with
  /// (what rendering them needs), and what could not be read.
  public struct WatchReading {
    public var sample: WatchSample
    /// By namespace inode; the key nil for the one namespace a context names.
    public var scopes: [UInt64?: Scope]
    /// Kinds not read, by namespace (nil: the context's).
    public var gaps: [(namespace: NamespaceTag?, gap: ListingGap)]
    /// Namespaces that could not be joined (with every namespace).
    public var unjoined: [(IPCNamespaceSummary, Errno)]
    /// Processes whose IPC namespace could not be read (with every namespace): namespaces only
    /// they are in are missing, unknown rather than absent.
    public var unreadableProcesses = 0
  }

  /// The objects `context` shows, or with `everyNamespace` those of every IPC namespace,
  /// read as `list` reads them, stamped with `clock`'s time once read. With every namespace
  /// the /dev/shm shown is the host's (the initial namespace's), else the first read.
  public func readForWatch(
    _ context: IPCContext, everyNamespace: Bool, clock: WatchClock
  ) -> WatchReading {
    let keep: (Scope) -> ([IPCObjectInfo]) -> [IPCObjectInfo] = { _ in { $0 } }
    guard everyNamespace else {
      let reading = self.read(context, keep)
      // Sized first: mapped from the joined parts, whose size it cannot know, the array grew
      // by doubling, its tens of thousands of objects moved again at each step.
      var entries: [WatchSample.Entry] = []
      entries.reserveCapacity(reading.parts.reduce(0) { $0 + $1.count })
      for part in reading.parts {
        for object in part { entries.append(WatchSample.Entry(object)) }
      }
      return WatchReading(
        sample: WatchSample(entries: entries, shmSpace: reading.shmSpace, taken: clock.now),
        scopes: [nil: reading.scope], gaps: reading.gaps.map { (nil, $0) }, unjoined: [])
    }
    var result = WatchReading(
      sample: WatchSample(entries: [], taken: 0), scopes: [:], gaps: [], unjoined: [])
    var hostSpace: ShmSpace?
    let survey = surveyEveryNamespace(context, keep)
    result.unreadableProcesses = survey.unreadableProcesses
    for namespace in survey.namespaces {
      switch namespace.reading {
      case .success(let reading):
        let tag = reading.scope.namespace
        result.sample.entries += reading.parts.joined().map { WatchSample.Entry($0, namespace: tag) }
        result.scopes[tag?.inode] = reading.scope
        result.gaps += reading.gaps.map { (tag, $0) }
      case .failure(let code): result.unjoined.append((namespace.namespace, code))
      }
      if namespace.namespace.tag.container == "host" || hostSpace == nil {
        hostSpace = namespace.shmSpace ?? hostSpace
      }
    }
    result.sample.shmSpace = hostSpace
    result.sample.taken = clock.now
    return result
  }
}
