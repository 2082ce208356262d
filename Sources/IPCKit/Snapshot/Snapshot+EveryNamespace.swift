extension Snapshot {
  /// One IPC namespace of the host, and what reading it gave.
  public struct NamespaceReading<Part> {
    public var namespace: IPCNamespaceSummary
    /// Size and use of the /dev/shm its processes see; nil where it was not opened.
    public var shmSpace: ShmSpace?
    /// Why that /dev/shm was not opened (a refused one is never entered).
    public var shmGap: ListingGap?
    /// Its objects; the errno where it could not be joined (setns needs CAP_SYS_ADMIN).
    public var reading: Result<Reading<Part>, Errno>
  }

  /// The objects of every IPC namespace some process is in (containers'), each read from a
  /// thread that joined it, with the /dev/shm its lowest process sees (verified as a
  /// target's). `context` gives /proc, the caller and the clock; each namespace gets a context
  /// of its own from it.
  ///
  /// POSIX shared memory belongs to a /dev/shm, not to an IPC namespace: with `shmOnce`, one that
  /// several namespaces see is read in the first of them only (a listing names each object
  /// once); without, each namespace counts what its processes see.
  public func readEveryNamespace<Part>(
    _ context: IPCContext, shmOnce: Bool = true,
    _ render: @escaping (Scope) -> ([IPCObjectInfo]) -> Part
  ) -> [NamespaceReading<Part>] {
    surveyEveryNamespace(context, shmOnce: shmOnce, render).namespaces
  }

  /// `readEveryNamespace`, with the processes whose namespace could not be read counted.
  public func surveyEveryNamespace<Part>(
    _ context: IPCContext, shmOnce: Bool = true,
    _ render: @escaping (Scope) -> ([IPCObjectInfo]) -> Part
  ) -> NamespaceCensus.Survey<NamespaceReading<Part>> {
    let proc = context.paths.proc
    var seenShm: Set<UInt64> = []
    let survey = NamespaceCensus.find(surveying: proc)
    let namespaces = survey.namespaces.map { namespace in
      let paths = namespace.paths(proc: proc)
      return (namespace, paths, paths.openShm())
    }
    // Every process's maps and descriptors read once, not once per namespace: each
    // namespace's users are cut from this scan (by device and inode, and for System V by the
    // attaching threads' namespace), whichever namespace a holder is in.
    let host = needsUsers
      ? UsageScanner(context: context).scanHost(
        shmDevices: Set(namespaces.compactMap { (try? $0.2.get())?.device })) : nil
    let readings = namespaces.map { namespace, paths, shm in
      let device = (try? shm.get())?.device
      let includeShm = !shmOnce || (device.map { seenShm.insert($0).inserted } ?? true)
      let inside = IPCContext(
        paths: paths, caller: context.caller, clock: context.clock, ipcNamespace: namespace.id)
      let reading = NamespaceCensus.within(namespace, proc: proc, paths: paths) { _ in
        self.read(inside, namespace: namespace.tag, includeShm: includeShm, host: host, render)
      }
      var gap: ListingGap?
      if case .failure(let why) = shm { gap = why }
      return NamespaceReading(
        namespace: namespace, shmSpace: (try? shm.get()).flatMap(ShmSpace.init), shmGap: gap,
        reading: reading)
    }
    return NamespaceCensus.Survey(
      namespaces: readings, unreadableProcesses: survey.unreadableProcesses)
  }
}
