import Glibc

/// The job behind `ipctool memory`: gathers every place shared memory lives and returns the
/// account, in one pass over /proc.
public struct SharedMemoryAccounting: Sendable {
  public let context: IPCContext
  var proc: String { context.paths.proc }
  /// Read every process's memory cgroup too (`--by container`).
  public var cgroups: Bool
  /// Read the System V segments of every IPC namespace, joining each (CAP_SYS_ADMIN).
  public var allNamespaces: Bool
  /// Objects to show by themselves, the rest summed as not selected (see `SelectedMemory`);
  /// nil, or one that narrows nothing, shows every row.
  public var selection: Selection?
  /// Only objects nobody maps, holds open or has attached, as `list --unused` chooses them.
  public var unusedOnly: Bool

  public init(
    context: IPCContext, cgroups: Bool = false, allNamespaces: Bool = false,
    selection: Selection? = nil, unusedOnly: Bool = false
  ) {
    self.context = context
    self.cgroups = cgroups
    self.allNamespaces = allNamespaces
    self.selection = selection
    self.unusedOnly = unusedOnly
  }

  public func account() -> SharedMemoryAccount {
    let table = MountInfo.read(pid: nil, proc: proc)
    var tmpfs = TmpfsCensus.ours(table)
    // Our /dev/shm through its verified handle, with its POSIX objects counted.
    if case .success(let handle) = context.paths.openShm() {
      let shm = TmpfsCensus.devShm(handle, seenThrough: nil)
      if let index = tmpfs.firstIndex(where: { $0.device == shm.device }) {
        tmpfs[index].posixObjects = shm.posixObjects
        tmpfs[index].posixBytes = shm.posixBytes
      }
    }
    tmpfs += otherDevShms(known: Set(tmpfs.map(\.device)))
    let ours = namespaceInode("thread-self", "ipc")
    let walk = ProcessMemoryWalk(
      proc: proc, shmDevice: internalShmDevice(), tmpfsDevices: Set(tmpfs.map(\.device)),
      ipcNamespace: ours, cgroups: cgroups
    ).walk()
    let files = walk.files.values.sorted {
      ($0.allocated ?? 0, $1.identity.inode) > ($1.allocated ?? 0, $0.identity.inode)
    }
    for index in tmpfs.indices {
      tmpfs[index].unlinked = files.filter {
        $0.kind == .unlinked && $0.identity.device == tmpfs[index].device
      }
    }
    var segments = SegmentTable.read(proc: proc).map { segment in
      var mine = segment
      mine.namespace = ours
      return mine
    }
    var unreadNamespaces: [NamespaceGap] = []
    var namespaceUnreadable = 0
    if allNamespaces {
      segments += otherNamespacesSegments(
        ours, gaps: &unreadNamespaces, unreadableProcesses: &namespaceUnreadable)
    }
    for index in segments.indices {
      let key = SegmentKey(namespace: segments[index].namespace, id: segments[index].id)
      let found = walk.segments[key] ?? []
      // The kernel counts attachments: more than the mappings found means a holder we could
      // not read (or one that attached since).
      let complete =
        walk.segmentMappings[key] ?? 0 >= segments[index].attached || walk.unreadable.isEmpty
      segments[index].holders = complete ? found.sorted { $0.pid < $1.pid } : nil
    }
    var account = SharedMemoryAccount(
      meminfo: MemInfo.read(proc: proc), tmpfs: tmpfs, segments: segments,
      memfds: files.filter { $0.kind == .memfd },
      anonymous: files.filter { $0.kind == .sharedAnonymous },
      processes: walk.processes, unreadable: walk.unreadable, unreadNamespaces: unreadNamespaces,
      cgroups: cgroups
        ? CgroupCensus.read(walk.processes, cgroupText: walk.cgroupText, table: table, proc: proc)
        : nil)
    account.namespaceUnreadableProcesses = namespaceUnreadable
    let selection = self.selection ?? Selection()
    if !selection.selectsEverything || unusedOnly {
      account.selected = SelectedMemory.pick(
        from: chosen(selection), in: account, namespace: ours)
    }
    return account
  }

  /// The shared memory objects `selection` chooses, read as `list` reads them: a Snapshot,
  /// so that an age (unknown for a segment mapped or held now) and `--unused` (unknown users
  /// are not none) mean here what they mean there.
  private func chosen(_ selection: Selection) -> [IPCObjectInfo] {
    var shm = selection
    shm.kinds = selection.kinds.intersection([.posixSharedMemory, .sysvSharedMemory])
    var snapshot = Snapshot(selection: shm, unusedOnly: unusedOnly)
    snapshot.withValues = false
    return snapshot.read(context) { _ in { $0 } }.parts.flatMap { $0 }
  }

  /// The /dev/shm of each other mount namespace, through its first process, verified as
  /// `list --target` does; one already counted (the same device) is left out.
  private func otherDevShms(known: Set<UInt64>) -> [TmpfsUsage] {
    let ours = namespaceInode("self", "mnt")
    var seen: Set<UInt64> = ours.map { [$0] } ?? []
    var devices = known
    var found: [TmpfsUsage] = []
    for pid in Processes.pids(proc: proc) {
      guard let namespace = namespaceInode(String(pid), "mnt"), seen.insert(namespace).inserted,
        case .success(let handle) = ShmHandle.open(pid: pid, proc: proc),
        devices.insert(handle.device).inserted
      else { continue }
      found.append(TmpfsCensus.devShm(handle, seenThrough: ProcessRef.reading(pid, proc: proc)))
    }
    return found
  }

  /// The segments of every IPC namespace but ours, each read from a thread that joined it.
  /// Processes whose namespace could not be read are counted in `unreadableProcesses`.
  private func otherNamespacesSegments(
    _ ours: UInt64?, gaps: inout [NamespaceGap], unreadableProcesses: inout Int
  ) -> [SegmentMemory] {
    var found: [SegmentMemory] = []
    let survey = NamespaceCensus.find(surveying: proc)
    unreadableProcesses = survey.unreadableProcesses
    for namespace in survey.namespaces where namespace.inode != ours {
      let read = NamespaceCensus.within(namespace, proc: proc, paths: IPCPaths(proc: proc)) {
        paths in
        SegmentTable.read(proc: paths.proc)
      }
      switch read {
      case .failure(let code):
        gaps.append(
          NamespaceGap(namespace: namespace.inode, container: namespace.container, code: code))
      case .success(let segments):
        found += segments.map { segment in
          var theirs = segment
          theirs.namespace = namespace.inode
          theirs.container = namespace.container
          return theirs
        }
      }
    }
    return found
  }

  /// The inode of /proc/ENTRY/ns/KIND ("self", "mnt"); nil if hidden or gone.
  private func namespaceInode(_ entry: String, _ kind: String) -> UInt64? {
    try? FileFacts.at(AT_FDCWD, "\(proc)/\(entry)/ns/\(kind)").get().identity.inode
  }
}
