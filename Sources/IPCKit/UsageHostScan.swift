import Glibc
import Synchronization

extension UsageScanner {
  /// What one pass over /proc found, for every IPC namespace at once: each process's maps and
  /// descriptors are read once (`scanHost`), and each namespace's report is cut from it
  /// (`report(from:)`), so a reading of fifty namespaces costs one scan, not fifty.
  ///
  /// Nothing here is keyed by a path. Files are keyed by device and inode, which name one file
  /// whatever namespace its holder is in (a process of one IPC namespace may hold a file of
  /// another's /dev/shm: a passed descriptor, a shared mount), so every holder counts for it.
  /// System V attachments are keyed by the IPC namespace of the threads that made them, since
  /// segment ids restart in each; processes and unreadable ones by their IPC namespace.
  public struct HostScan: Sendable {
    var byFile: [FileIdentity: Set<ProcessRef>] = [:]
    var bySegment: [SegmentKey: Set<ProcessRef>] = [:]
    var hidden: [Hidden] = []
    /// Unlinked files of every /dev/shm scanned for, still mapped (a process once per file).
    var deletedMappings: [DeletedMapping] = []
    /// Live processes by IPC namespace and owner, the caller's own and its starters left out.
    var owners: [OwnerKey: Int] = [:]
    /// /proc does not even list other users' processes to this caller (hidepid).
    var processesHidden = false
    /// The devices of the kernel's internal shm mounts (see `sysvShmDevices`).
    var sysvDevices: Set<UInt64> = []

    /// A process that could not be read whole, with its IPC namespace (nil: unreadable too).
    struct Hidden: Sendable {
      var process: HiddenProcess
      var namespace: IPCNamespaceID?
    }

    /// Adds what another part of the scan found (a later run of pids).
    mutating func merge(_ other: HostScan) {
      Self.unite(&byFile, other.byFile)
      Self.unite(&bySegment, other.bySegment)
      hidden += other.hidden
      deletedMappings += other.deletedMappings  // other processes': no repeats to find
      owners.merge(other.owners, uniquingKeysWith: +)
      processesHidden = processesHidden || other.processesHidden
    }

    /// The attachers of each System V segment of `namespace`, with those of processes whose
    /// namespace could not be read (they may be in it).
    func segments(in namespace: IPCNamespaceID?) -> [Int32: Set<ProcessRef>] {
      var segments: [Int32: Set<ProcessRef>] = [:]
      for (key, users) in bySegment where key.namespace == nil || key.namespace == namespace {
        segments[key.id, default: []].formUnion(users)
      }
      return segments
    }

    /// Adds `other`'s users to `users`: the smaller into the larger (each part of a scan may
    /// hold tens of thousands of files), and into an empty one as it is, without a copy.
    private static func unite<Key>(_ users: inout [Key: Set<ProcessRef>], _ other: [Key: Set<ProcessRef>]) {
      var other = other
      if users.count < other.count { swap(&users, &other) }
      users.merge(other) { $0.union($1) }
    }
  }

  /// A System V segment id in an IPC namespace; nil: that of a process whose namespace could
  /// not be read, which may be any.
  struct SegmentKey: Hashable, Sendable {
    var namespace: IPCNamespaceID?
    var id: Int32
  }

  /// An owner's processes in an IPC namespace; nil: one hidden from this caller, which may be
  /// any (counted in each: the safe side, since the count keeps objects).
  struct OwnerKey: Hashable, Sendable {
    var namespace: IPCNamespaceID?
    var owner: uid_t
  }

  /// What concerns this scanner's IPC namespace and /dev/shm in a scan of every process.
  public func report(from host: HostScan, ownersOnly: Bool = false) -> Report {
    report(from: host, shmDevice: paths.shmDevice, ownersOnly: ownersOnly)
  }

  func report(from host: HostScan, shmDevice: UInt64?, ownersOnly: Bool) -> Report {
    let namespace = context.ipcNamespace
    var report = Report()
    report.byFile = host.byFile  // shared, not copied
    report.bySegment = host.segments(in: namespace)
    // Where mq_open reaches queues without a mount: known only for a readable namespace.
    report.hidden = host.hidden.map { hidden in
      var process = hidden.process
      process.inOurIPCNamespace = hidden.namespace != nil && hidden.namespace == namespace
      return process
    }
    for (key, count) in host.owners where key.namespace == nil || key.namespace == namespace {
      report.processesByOwner[key.owner, default: 0] += count
    }
    report.processesHidden = host.processesHidden
    report.deletedMappings = host.deletedMappings.filter { $0.device == shmDevice }
    if !report.deletedMappings.isEmpty {
      // A name that still holds the inode means it was not unlinked: glibc's sem_open maps a
      // "sem.XXXXXX" it then links to "sem.NAME" and unlinks, and a live file may itself be
      // called "X (deleted)".
      let live = liveInodes()
      report.deletedMappings.removeAll { live.contains($0.inode) }
    }
    if !ownersOnly {
      // One second pass at most, made at the first segment that needs it and shared: a
      // caller who may not read other users' processes would otherwise rescan /proc for each
      // of their attached segments.
      let again = self
      let sysvDevices = host.sysvDevices
      let second = Mutex<[Int32: Set<ProcessRef>]?>(nil)
      report.lookAgain = { id in
        second.withLock { found in
          if found == nil { found = again.attachers(sysvDevices: sysvDevices, namespace: namespace) }
          return found?[id] ?? []
        }
      }
    }
    return report
  }
}
