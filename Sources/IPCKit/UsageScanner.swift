import CIPCShims
import Glibc
import Synchronization

/// Finds, in one pass over /proc, which processes use which objects.
///
/// POSIX shared memory and semaphores are found in /proc/PID/maps and, like POSIX queues, among
/// the targets of /proc/PID/fd, all matched by device and inode (so a name in another mount
/// namespace cannot be mistaken for ours). System V segments appear in maps as "/SYSV<key>"
/// with the shmid as inode, on the kernel's own shm mount (whose device is learnt from a memfd,
/// which lives there too: a file a user names "/SYSV..." on a tmpfs of their own is not one).
/// The kernel records no users for System V queues and semaphore sets.
///
/// What cannot be read whole is unknown, never "unused": a process whose maps or descriptors
/// could not be read (or only in part) is kept as hidden, and named where it matters.
public struct UsageScanner: Sendable {
  public let context: IPCContext
  public var paths: IPCPaths { context.paths }

  public init(context: IPCContext) {
    self.context = context
  }

  /// What one scan found.
  public struct Report: Sendable {
    var byFile: [FileIdentity: Set<ProcessRef>] = [:]
    var bySegment: [Int32: Set<ProcessRef>] = [:]
    var hidden: [HiddenProcess] = []
    /// Processes whose maps or descriptors could not be read: users may hide there.
    public var unreadableProcesses: Int { hidden.count }
    /// Looks for the attachers of one System V segment again (set by `scan`): a segment
    /// attached after the scan passed its process would otherwise show "?".
    var lookAgain: (@Sendable (Int32) -> Set<ProcessRef>)?
    /// /proc does not even list other users' processes to this caller (hidepid).
    public var processesHidden = false
    /// POSIX objects already unlinked but still mapped: memory no listing shows.
    /// A process is scanned once, by one thread: each is named here once per file.
    public var deletedMappings: [DeletedMapping] = []
    /// Live processes in this IPC namespace by owner (effective uid), leaving out this one
    /// and the processes that started it (the caller's own shell and sudo).
    var processesByOwner: [uid_t: Int] = [:]

    /// How many processes `owner` runs in this IPC namespace, besides the caller's own.
    public func processes(ofOwner owner: uid_t) -> Int { processesByOwner[owner] ?? 0 }

    /// The object's users; nil when some process could not be read and none was found.
    public func users(of object: IPCObjectInfo) -> [ProcessRef]? {
      guard object.kind.hasKnowableUsers else { return nil }
      var found: Set<ProcessRef> = []
      if let file = object.file { found = byFile[file] ?? [] }
      if object.kind == .sysvSharedMemory, let id = object.id {
        found = bySegment[id] ?? []
        // The kernel counts attachments itself: none means no user, hidden or not.
        if found.isEmpty && object.details.sysvSegment?.attached == 0 { return [] }
        if found.isEmpty { found = lookAgain?(id) ?? [] }
        if found.isEmpty { return nil }
      }
      if found.isEmpty && object.kind.isNamed
        && (processesHidden || hidden.contains(where: { $0.mayUse(object) }))
      {
        return nil
      }
      return found.sorted { $0.pid < $1.pid }
    }

    /// The processes that could not be read and may use `object`: whom "users unknown" names.
    public func unreadable(for object: IPCObjectInfo) -> [ProcessRef] {
      hidden.filter { $0.mayUse(object) }.map(\.process)
    }
  }

  /// A process this user may not fully read, and what can still be ruled out about it.
  struct HiddenProcess: Sendable {
    var process: ProcessRef
    var descriptorsHidden: Bool
    var mapsHidden: Bool
    /// Devices of its mounts (from mountinfo, readable by anyone); nil if unknown.
    var mountedDevices: Set<UInt64>?
    /// Whether it is known to be in the IPC namespace scanned (where mq_open reaches queues
    /// without a mount).
    var inOurIPCNamespace: Bool

    /// Whether it could be using `object` without our seeing it. A queue is used through a
    /// descriptor, a file through a descriptor or a mapping. A file it cannot reach by any of
    /// its mounts (nor, for a queue, by its IPC namespace) it cannot have opened or mapped by
    /// name; one handed to it by another process is not looked for, as for mappings. (On some
    /// hosts even root may not read pid 1's descriptors: every object its mounts reach is
    /// then unknown, and no other.)
    func mayUse(_ object: IPCObjectInfo) -> Bool {
      guard descriptorsHidden || (mapsHidden && object.kind != .posixQueue) else { return false }
      if object.kind == .posixQueue && descriptorsHidden && inOurIPCNamespace { return true }
      guard let device = object.file?.device, let mountedDevices else { return true }
      return mountedDevices.contains(device)
    }
  }

  public struct DeletedMapping: Sendable, Hashable {
    public var process: ProcessRef
    /// The path as /proc/PID/maps gives it: bytes (a name may hold any), shown escaped.
    public var pathBytes: [UInt8]
    /// The file's inode, on /dev/shm's device: if a live name holds it, it is not unlinked.
    public var inode: UInt64
    /// That /dev/shm's device (a scan of every namespace sees several).
    var device: UInt64
    public var path: String { Escaping.escape(pathBytes) }

    /// What the file was: a POSIX semaphore ("sem.NAME") or segment, and its name with its
    /// slash; nil for a path that is not a file right in /dev/shm.
    public var object: (kind: IPCKind, name: [UInt8])? {
      let directory = Array("/dev/shm/".utf8)
      let suffix = Array(" (deleted)".utf8)
      guard pathBytes.starts(with: directory), pathBytes.count > directory.count + suffix.count
      else { return nil }
      let file = pathBytes[directory.count..<(pathBytes.count - suffix.count)]
      guard !file.contains(UInt8(ascii: "/")) else { return nil }
      let semaphore = Array(PosixSemaphore.filePrefix.utf8)
      if file.starts(with: semaphore) {
        return (.posixSemaphore, [UInt8(ascii: "/")] + file.dropFirst(semaphore.count))
      }
      return (.posixSharedMemory, [UInt8(ascii: "/")] + file)
    }
  }

  /// Scans every process but this one (see `scanHost`) and keeps what concerns this
  /// scanner's IPC namespace and /dev/shm. `ownersOnly` reads no maps and no descriptors: the
  /// report then counts processes by owner and names no users (what a broad clean of System V
  /// queues and sets asks).
  public func scan(ownersOnly: Bool = false) -> Report {
    let shmDevice = paths.shmDevice  // from the verified descriptor: no path of theirs followed
    let host = scanHost(shmDevices: shmDevice.map { [$0] } ?? [], ownersOnly: ownersOnly)
    return report(from: host, shmDevice: shmDevice, ownersOnly: ownersOnly)
  }

  /// Reads every process but this one once, on up to two threads (each process costs a few
  /// system calls and a maps file to parse; they split cleanly), merged in pid order: what
  /// every IPC namespace's report is cut from (`report(from:)`). `shmDevices` are the devices
  /// of the /dev/shm mounts whose files' private mappings count, and whose unlinked files are
  /// looked for. Only /proc and the caller of this scanner's context are used.
  public func scanHost(shmDevices: Set<UInt64>, ownersOnly: Bool = false) -> HostScan {
    var host = HostScan()
    host.sysvDevices = Self.sysvShmDevices()
    guard let proc = try? FileDescriptor.open(paths.proc, O_RDONLY | O_DIRECTORY),
      let entries = try? proc.directoryEntries()
    else {
      // No process list is no answer: users unknown, never none.
      host.processesHidden = true
      return host
    }
    let me = getpid()
    let pids = entries.compactMap { pid_t(String(decoding: $0.name, as: UTF8.self)) }
      .filter { $0 != me }
    let mine = Processes.ancestry(proc: paths.proc)
    let sysvDevices = host.sysvDevices
    let procFD = proc.raw
    let parts = inParallel(
      chunks: chunked(pids.count, size: 256), threads: usefulThreads(for: pids.count, perThread: 200, limit: 2)
    ) { range -> HostScan in
      var part = HostScan()
      for pid in pids[range] {
        scanOne(
          pid, shmDevices: shmDevices, sysvDevices: sysvDevices, counted: !mine.contains(pid),
          usersToo: !ownersOnly, proc: procFD, into: &part)
      }
      return part
    }
    host.processesHidden = ProcVisibility.hidesOtherUsers(proc: paths.proc, caller: context.caller)
    for part in parts { host.merge(part) }
    return host
  }

  /// The devices of the kernel's internal shm mounts, where System V segments live: a memfd
  /// is made on the same mount (and a hugetlb one on the hugetlbfs one that SHM_HUGETLB
  /// segments use). Nothing a user mounts has these devices.
  static func sysvShmDevices() -> Set<UInt64> {
    var devices: Set<UInt64> = []
    for hugetlb in [false, true] {
      guard let memfd = try? Memory.memfd("ipctool-shm-device", hugetlb: hugetlb),
        let status = try? memfd.status()
      else { continue }
      devices.insert(UInt64(status.st_dev))
    }
    return devices
  }

  /// Whether a path is "/dev/shm/sem.XXXXXX (deleted)", the temporary name glibc's sem_open
  /// makes (mkstemp's six letters or digits), maps, links to "sem.NAME" and unlinks: every
  /// named semaphore is mapped under it. Where "sem.NAME" was unlinked too (Python's
  /// multiprocessing does so at once, and goes on using it), the semaphore is one page its
  /// program still uses, freed at its exit: no leftover to report.
  static func isSemOpenTemporary(_ path: [UInt8]) -> Bool {
    let head = Array("/dev/shm/sem.".utf8)
    let tail = Array(" (deleted)".utf8)
    guard path.count == head.count + 6 + tail.count, path.starts(with: head), path.suffix(tail.count).elementsEqual(tail)
    else { return false }
    return path[head.count..<head.count + 6].allSatisfy {
      (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0)
        || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
    }
  }

  /// The inodes of the files in /dev/shm, as readdir gives them (no stat per file).
  /// Read through the verified handle, never by a path (under --target, one of theirs).
  func liveInodes() -> Set<UInt64> {
    guard let handle = try? paths.openShm().get() else { return [] }
    var inodes: Set<UInt64> = []
    try? FileCalls.forEachEntry(of: handle.descriptor, subject: handle.path) {
      inodes.insert(UInt64($0.pointee.d_ino))
    }
    return inodes
  }

  /// The processes attached to each System V segment now: a second look, for segments the
  /// kernel counts attachments to but the scan found no process of (attached after it passed).
  func attachers(sysvDevices: Set<UInt64>, namespace: IPCNamespaceID?) -> [Int32: Set<ProcessRef>] {
    var host = HostScan()
    for pid in Processes.pids(proc: paths.proc) where pid != getpid() {
      let theirs = IPCNamespaceID.of(String(pid), proc: paths.proc)
      scanProcess(
        pid, shmDevices: [], sysvDevices: sysvDevices,
        namespaces: { namespaces(of: pid, main: theirs) }, ipcNamespace: nil, into: &host)
    }
    return host.segments(in: namespace)
  }

  private func scanOne(
    _ pid: pid_t, shmDevices: Set<UInt64>, sysvDevices: Set<UInt64>,
    counted: Bool, usersToo: Bool, proc: CInt, into host: inout HostScan
  ) {
    // A zombie counts for nothing; a process whose main thread ended answers through a live
    // thread (its own /proc/PID/ns links are gone).
    guard let live = Self.liveTaskDirectory(pid, proc: paths.proc) else { return }
    let theirs = IPCNamespaceID.of(String(live.dropFirst(paths.proc.count + 1)), proc: paths.proc)
    if counted { countOwner(pid, proc: proc, namespace: theirs, into: &host) }
    guard usersToo else { return }
    scanProcess(
      pid, shmDevices: shmDevices, sysvDevices: sysvDevices,
      namespaces: { namespaces(of: pid, main: theirs) }, ipcNamespace: try? theirs.get(),
      into: &host)
  }

  /// The IPC namespaces a process's System V attachments may belong to. Ids restart in every
  /// IPC namespace: another namespace's "/SYSV" mapping of shmid 0 is not a use of ours. A
  /// segment is attached in the namespace of the thread that attached it, and threads can
  /// differ, so each thread's counts (asked only of a process that maps any). [nil]: its
  /// namespace cannot be read, and it may be any.
  private func namespaces(of pid: pid_t, main: Result<IPCNamespaceID, Errno>) -> [IPCNamespaceID?] {
    guard case .success(let main) = main else { return [nil] }
    return Array(Set([main] + taskNamespaces(pid)))
  }

  /// Counts `pid` for its owner in its IPC namespace, or in every one where its namespace is
  /// hidden from this caller (the safe side, since the count keeps objects). A zombie has no
  /// namespaces left and holds nothing: it does not count.
  private func countOwner(
    _ pid: pid_t, proc: CInt, namespace: Result<IPCNamespaceID, Errno>, into host: inout HostScan
  ) {
    guard let status = try? FileStatus.at(proc, String(pid), followingLinks: true) else { return }
    switch namespace {
    case .success(let theirs): host.owners[OwnerKey(namespace: theirs, owner: status.st_uid), default: 0] += 1
    case .failure(let code) where code.isPermissionDenied:
      host.owners[OwnerKey(namespace: nil, owner: status.st_uid), default: 0] += 1
    case .failure: return
    }
  }

  /// The IPC namespaces of a process's threads.
  private func taskNamespaces(_ pid: pid_t) -> [IPCNamespaceID] {
    guard let tasks = try? FileDescriptor.open("\(paths.proc)/\(pid)/task", O_RDONLY | O_DIRECTORY),
      let entries = try? tasks.directoryEntries()
    else { return [] }
    return entries.compactMap { entry in
      let task = "\(pid)/task/" + String(decoding: entry.name, as: UTF8.self)
      return try? IPCNamespaceID.of(task, proc: paths.proc).get()
    }
  }

  /// `ipcNamespace`: the process's own (its main thread's), nil where it could not be read.
  private func scanProcess(
    _ pid: pid_t, shmDevices: Set<UInt64>, sysvDevices: Set<UInt64>,
    namespaces: () -> [IPCNamespaceID?], ipcNamespace: IPCNamespaceID?, into host: inout HostScan
  ) {
    // A process whose main thread has exited shows no maps and no descriptors there, while
    // its other threads run on with both: read them through one of those.
    guard let base = Self.liveTaskDirectory(pid, proc: paths.proc),  // none: a zombie, which uses nothing
      let process = ProcessRef.reading(pid, proc: paths.proc)
    else { return }  // gone
    // What this process uses, added only if it is still alive at the end: a zombie (or one
    // on its way out) holds nothing, and is nobody's user.
    var found = HostScan()
    var mapsHidden = false
    var descriptorsHidden = false
    do {
      // Whole, however large (a database may have hundreds of thousands of mappings): a
      // mapping past a cut would be a user missed, and its segment removed.
      let maps = try FileDescriptor.open(base + "/maps", O_RDONLY).read(upTo: .max)
      readMaps(
        maps, process, shmDevices: shmDevices, sysvDevices: sysvDevices,
        namespaces: namespaces, into: &found)
    } catch {
      mapsHidden = true  // denied, or stopped early: unknown (unless it ended, below)
    }
    do {
      let fds = try FileDescriptor.open(base + "/fd", O_RDONLY | O_DIRECTORY)
      for link in try fds.directoryEntries() {
        // The identity the kernel has cached, never asked of the file system again: a FUSE
        // file a user holds open, whose server never answers, would otherwise stop us in an
        // uninterruptible wait (a tmpfs or mqueue file's is always current).
        let identity: (device: UInt64, inode: UInt64)
        switch FileStatus.cachedIdentity(fds.raw, String(decoding: link.name, as: UTF8.self)) {
        case .success(let found): identity = found
        case .failure(let code):
          // Closed meanwhile is nothing; a descriptor we may not follow (an LSM's denial)
          // may be anything.
          if code.isPermissionDenied { descriptorsHidden = true }
          continue
        }
        found.byFile[FileIdentity(device: identity.device, inode: identity.inode), default: []]
          .insert(process)
      }
    } catch {
      descriptorsHidden = true
    }
    guard state(of: base).map(Self.ended) == false else { return }  // ended meanwhile
    host.merge(found)
    if mapsHidden || descriptorsHidden {
      let hidden = HiddenProcess(
        process: process, descriptorsHidden: descriptorsHidden, mapsHidden: mapsHidden,
        mountedDevices: MountInfo.read(directory: base)?.devices, inOurIPCNamespace: false)
      host.hidden.append(HostScan.Hidden(process: hidden, namespace: ipcNamespace))
    }
  }

  /// /proc/PID, or /proc/PID/task/TID of a thread still running where the main thread has
  /// ended; nil for a zombie (or a process gone).
  static func liveTaskDirectory(_ pid: pid_t, proc: String) -> String? {
    let base = "\(proc)/\(pid)"
    guard let main = state(of: base) else { return nil }
    guard ended(main) else { return base }
    guard let tasks = try? FileDescriptor.open(base + "/task", O_RDONLY | O_DIRECTORY),
      let entries = try? tasks.directoryEntries()
    else { return nil }
    for entry in entries {
      let task = base + "/task/" + String(decoding: entry.name, as: UTF8.self)
      if let taskState = state(of: task), !ended(taskState) { return task }
    }
    return nil
  }

  /// Whether `pid` is a zombie or dying (every thread has ended); false for a process gone or
  /// unreadable.
  static func isZombie(_ pid: pid_t, proc: String) -> Bool {
    state(of: "\(proc)/\(pid)") != nil && liveTaskDirectory(pid, proc: proc) == nil
  }

  private static func ended(_ state: UInt8) -> Bool {
    [UInt8(ascii: "Z"), UInt8(ascii: "X"), UInt8(ascii: "x")].contains(state)
  }

  /// "7f..-7f.. rw-s 00000000 00:01 32769 /SYSV0001e240 (deleted)".
  ///
  /// Shared mappings may be any IPC object. A private one of a /dev/shm file keeps it in use
  /// too (its pages stay the file's until written), so those count; the other private
  /// mappings, every library of every process, are not looked at.
  private func readMaps(
    _ bytes: [UInt8], _ process: ProcessRef, shmDevices: Set<UInt64>, sysvDevices: Set<UInt64>,
    namespaces: () -> [IPCNamespaceID?], into report: inout HostScan
  ) {
    var attachedIn: [IPCNamespaceID?]?  // asked at the first System V mapping only
    // A process maps a file in many pieces: each unlinked file is named once, found again in
    // constant time by its inode (on /dev/shm's one device) without hashing its path.
    var deletedSeen: Set<UInt64> = []
    var lineStart = 0
    for index in bytes.indices where bytes[index] == 0x0A {
      defer { lineStart = index + 1 }
      let line = bytes[lineStart..<index]
      let fields = line.split(separator: 0x20, maxSplits: 5, omittingEmptySubsequences: true)
      guard fields.count == 6 else { continue }
      let shared = fields[1].last == UInt8(ascii: "s")  // perms "rw-s"
      // Cheap first: a private mapping counts only on /dev/shm's device.
      guard shared || parseDevice(fields[3]).map(shmDevices.contains) == true else { continue }
      let pathBytes = Array(fields[5].drop { $0 == 0x20 })
      let path = String(decoding: pathBytes, as: UTF8.self)  // for the checks below only
      guard let inode = parseInteger(fields[4], radix: UInt64(10)) else { continue }
      if path.hasPrefix("/SYSV"), let device = parseDevice(fields[3]), sysvDevices.contains(device) {
        if attachedIn == nil { attachedIn = namespaces() }
        for namespace in attachedIn ?? [] {
          let key = SegmentKey(namespace: namespace, id: Int32(truncatingIfNeeded: inode))
          report.bySegment[key, default: []].insert(process)
        }
        continue
      }
      guard let device = parseDevice(fields[3]) else { continue }
      let identity = FileIdentity(device: device, inode: inode)
      report.byFile[identity, default: []].insert(process)
      // Only a /dev/shm's, each namespace's report keeping its own (by device): another
      // mount namespace's /dev/shm (a container's) has paths that look the same and are other
      // files.
      if path.hasSuffix(" (deleted)") && path.hasPrefix("/dev/shm/") && shmDevices.contains(device)
        && !Self.isSemOpenTemporary(pathBytes)
      {
        if deletedSeen.insert(inode).inserted {
          report.deletedMappings.append(
            DeletedMapping(process: process, pathBytes: pathBytes, inode: inode, device: device))
        }
      }
    }
  }
}

/// The state letter in DIRECTORY/stat of a process or thread (after the command's closing
/// parenthesis: the command may hold one); nil once it is gone.
private func state(of directory: String) -> UInt8? {
  guard let file = try? FileDescriptor.open(directory + "/stat", O_RDONLY),
    let stat = try? file.read(upTo: 4096),
    let close = stat.lastIndex(of: UInt8(ascii: ")")), close + 2 < stat.count
  else { return nil }
  return stat[close + 2]
}

/// st_dev from major and minor, as glibc's makedev builds it.
func makeDevice(major: UInt64, minor: UInt64) -> UInt64 {
  ((major & 0xffff_f000) << 32) | ((major & 0xfff) << 8) | ((minor & 0xffff_ff00) << 12)
    | (minor & 0xff)
}

/// "fd:01" (hex major:minor) as the st_dev glibc's makedev would build.
func parseDevice(_ field: ArraySlice<UInt8>) -> UInt64? {
  let parts = field.split(separator: UInt8(ascii: ":"))
  guard parts.count == 2, let major = parseInteger(parts[0], radix: UInt64(16)),
    let minor = parseInteger(parts[1], radix: UInt64(16))
  else { return nil }
  return makeDevice(major: major, minor: minor)
}
