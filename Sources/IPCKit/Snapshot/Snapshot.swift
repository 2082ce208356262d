/// What `list` and `namespaces` read, and the front ends to come (metrics, watch): the objects a
/// selection chooses, in one IPC namespace or in each (see `readEveryNamespace`), with their
/// users and the applications that hold them, what could not be read, and the unlinked files
/// of /dev/shm still mapped.
///
/// A listing runs to tens of thousands of objects, so a snapshot is no array of them: objects
/// are handed over in sorted runs as they are read, and the front end turns each run into its
/// part (JSON lines, table cells, counts) on the thread that read it.
public struct Snapshot {
  public var selection: Selection
  /// Names the processes using each object (a scan of /proc) and the applications holding it.
  public var withUsers: Bool
  /// Only what nobody uses (see `UsageOnDemand.isUnused`), as `clean` would weigh it.
  public var unusedOnly: Bool
  /// Semaphore values and System V queue limits, a system call per object; a count needs none.
  public var withValues = true
  /// With users, what known applications hold (`Scope.holds`): a reading of every process's
  /// command line in each namespace read, which a front end that names no application (metrics)
  /// does without.
  public var withHolds = true
  /// Nil: listing order (kind, then name or id), handed over run by run. Else a namespace's
  /// objects are all read first, then put in this order and handed over as one run.
  public var order: Order?

  public init(selection: Selection, withUsers: Bool = false, unusedOnly: Bool = false) {
    self.selection = selection
    self.withUsers = withUsers
    self.unusedOnly = unusedOnly
  }

  /// What one namespace's objects were read with, which a front end renders them against.
  public struct Scope: Sendable {
    public var context: IPCContext
    /// The namespace, when every namespace is read; nil for the one a context names.
    public var namespace: NamespaceTag?
    /// What known applications hold; none read without users.
    public var holds: ApplicationHolds
    /// Whether the objects carry their users (`IPCObjectInfo.users`).
    public var withUsers: Bool
  }

  /// One namespace's objects, as the parts the front end made of them in listing (or the
  /// asked) order, and what else reading them found.
  public struct Reading<Part> {
    public var scope: Scope
    public var parts: [Part]
    /// Kinds that could not be read, and why.
    public var gaps: [ListingGap]
    /// With users: the unlinked files of /dev/shm still mapped, of the selected kinds and
    /// prefix (their owner and age are gone with their names: a selection by those has none).
    public var deletedMappings: [UsageScanner.DeletedMapping]
    /// Size and use of the /dev/shm the context names; nil where it was not opened.
    public var shmSpace: ShmSpace?
  }

  /// The objects `context` shows. `render` is given the namespace's scope once, and what it
  /// returns turns each run of objects into a part, on the threads that read them.
  public func read<Part>(
    _ context: IPCContext, _ render: (Scope) -> ([IPCObjectInfo]) -> Part
  ) -> Reading<Part> {
    read(context, namespace: nil, includeShm: true, host: nil, render)
  }

  /// Whether the objects' users are read (a scan of /proc).
  var needsUsers: Bool { withUsers || unusedOnly || selection.olderThan != nil }

  /// `includeShm` false leaves out POSIX shared memory and semaphores (a /dev/shm read already
  /// in another namespace). `host`: a scan of every process already made, to cut this
  /// namespace's users from.
  func read<Part>(
    _ context: IPCContext, namespace: NamespaceTag?, includeShm: Bool,
    host: UsageScanner.HostScan?, _ render: (Scope) -> ([IPCObjectInfo]) -> Part
  ) -> Reading<Part> {
    let inventory = Inventory(context: context)
    // One /proc scan serves both users and --unused; an age too: a mapped segment's age is
    // unknown, and it is not old.
    let usage = needsUsers ? UsageOnDemand(UsageScanner(context: context), from: host) : nil
    let report = withUsers ? usage?.report : nil
    let holds =
      report != nil && withHolds
      ? ApplicationHolds.read(inventory, findLeftSets: false) : ApplicationHolds()
    let scope = Scope(
      context: context, namespace: namespace, holds: holds, withUsers: report != nil)
    let chosen = choosing(usage: usage, report: report, now: context.clock.now)
    var kinds = selection.kinds
    if !includeShm { kinds.subtract(IPCKind.shmFileKinds) }
    let part = render(scope)
    let parts: [Part]
    let gaps: [ListingGap]
    if let order {
      let (runs, found) = inventory.list(kinds, withValues: withValues, chosen)
      (parts, gaps) = ([part(order.arrange(runs, scope))], found)
    } else {
      (parts, gaps) = inventory.list(kinds, withValues: withValues) { part(chosen($0)) }
    }
    let mappings = (report?.deletedMappings ?? []).filter(isSelected)
    return Reading(
      scope: scope, parts: parts, gaps: gaps, deletedMappings: mappings,
      shmSpace: (try? context.paths.openShm().get()).flatMap(ShmSpace.init))
  }

  /// What picks a run's objects and gives them their users: run on the threads that read them.
  /// The same selectors as clean's: `list SELECTORS` is what `clean SELECTORS --dry-run` weighs.
  private func choosing(usage: UsageOnDemand?, report: UsageScanner.Report?, now: Int)
    -> ([IPCObjectInfo]) -> [IPCObjectInfo]
  {
    let selection = self.selection
    let unusedOnly = self.unusedOnly
    // Kinds are chosen by what is listed; every other selector by looking at each object.
    let filtered = selection.prefix != nil || selection.owner != nil || selection.olderThan != nil
      || !selection.keys.isEmpty || !selection.references.isEmpty
    return { run in
      var objects = filtered ? run.filter { selection.matches($0, now: now) } : run
      if let usage, unusedOnly { objects = objects.filter { usage.isUnused($0) } }
      if let usage, selection.olderThan != nil { objects = objects.filter { !usage.isMapped($0) } }
      if let report {
        for index in objects.indices { objects[index].users = report.users(of: objects[index]) }
      }
      return objects
    }
  }

  /// Whether an unlinked-but-mapped file is among what the selection asks for: its kind and its
  /// name's prefix. Its owner and age are gone with its name, so a selection by those has none.
  private func isSelected(_ mapping: UsageScanner.DeletedMapping) -> Bool {
    guard let (kind, name) = mapping.object, selection.kinds.contains(kind),
      selection.owner == nil, selection.olderThan == nil, !unusedOnly
    else { return false }
    return selection.prefix.map { name.starts(with: $0) } ?? true
  }
}
