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

    /// Adds what another part of the scan found (a later run of pids).
    mutating func merge(_ other: Report) {
      Self.unite(&byFile, other.byFile)
      Self.unite(&bySegment, other.bySegment)
      hidden += other.hidden
      deletedMappings += other.deletedMappings  // other processes': no repeats to find
      processesByOwner.merge(other.processesByOwner, uniquingKeysWith: +)
      processesHidden = processesHidden || other.processesHidden
    }

    /// Adds `other`'s users to `users`: the smaller into the larger (each part of a scan may
    /// hold tens of thousands of files), and into an empty report as it is, without a copy.
    private static func unite<Key>(_ users: inout [Key: Set<ProcessRef>], _ other: [Key: Set<ProcessRef>]) {
      var other = other
      if users.count < other.count { swap(&users, &other) }
      users.merge(other) { $0.union($1) }
    }

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

  /// Scans every process but this one, on up to two threads (each process costs a few
  /// system calls and a maps file to parse; they split cleanly), merged in pid order.
  /// `ownersOnly` reads no maps and no descriptors: the report then counts processes by
  /// owner and names no users (what a broad clean of System V queues and sets asks).
  public func scan(ownersOnly: Bool = false) -> Report {
    let shmDevice = paths.shmDevice  // from the verified descriptor: no path of theirs followed
    let sysvDevices = Self.sysvShmDevices()
    guard let proc = try? FileDescriptor.open(paths.proc, O_RDONLY | O_DIRECTORY),
      let entries = try? proc.directoryEntries()
    else {
      // No process list is no answer: users unknown, never none.
      var unknown = Report()
      unknown.processesHidden = true
      return unknown
    }
    let me = getpid()
    let pids = entries.compactMap { pid_t(String(decoding: $0.name, as: UTF8.self)) }
      .filter { $0 != me }
    let mine = Processes.ancestry(proc: paths.proc)
    // The context's: the threads below start in the caller's, which may be another.
    let namespace = context.ipcNamespace
    let procFD = proc.raw
    let parts = inParallel(
      chunks: chunked(pids.count, size: 256), threads: usefulThreads(for: pids.count, perThread: 200, limit: 2)
    ) { range -> Report in
      var part = Report()
      for pid in pids[range] {
        scanOne(
          pid, shmDevice: shmDevice, sysvDevices: sysvDevices, namespace: namespace,
          counted: !mine.contains(pid),
          usersToo: !ownersOnly, proc: procFD, into: &part)
      }
      return part
    }
    var report = Report()
    report.processesHidden = ProcVisibility.hidesOtherUsers(proc: paths.proc, caller: context.caller)
    for part in parts { report.merge(part) }
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
  private func liveInodes() -> Set<UInt64> {
    guard let handle = try? paths.openShm().get() else { return [] }
    var inodes: Set<UInt64> = []
    try? FileCalls.forEachEntry(of: handle.descriptor, subject: handle.path) {
      inodes.insert(UInt64($0.pointee.d_ino))
    }
    return inodes
  }

  /// The processes attached to each System V segment now: a second look, for segments the
  /// kernel counts attachments to but the scan found no process of (attached after it passed).
  private func attachers(sysvDevices: Set<UInt64>, namespace: IPCNamespaceID?) -> [Int32: Set<ProcessRef>] {
    var report = Report()
    for pid in Processes.pids(proc: paths.proc) where pid != getpid() {
      let theirs = IPCNamespaceID.of(String(pid), proc: paths.proc)
      let inOurNamespace = {
        guard case .success(let main) = theirs, main != namespace else { return true }
        return taskNamespaces(pid).contains { $0 == namespace }
      }
      scanProcess(pid, shmDevice: nil, sysvDevices: sysvDevices, inOurNamespace: inOurNamespace, into: &report)
    }
    return report.bySegment
  }

  private func scanOne(
    _ pid: pid_t, shmDevice: UInt64?, sysvDevices: Set<UInt64>, namespace: IPCNamespaceID?,
    counted: Bool, usersToo: Bool, proc: CInt, into report: inout Report
  ) {
    // A zombie counts for nothing; a process whose main thread ended answers through a live
    // thread (its own /proc/PID/ns links are gone).
    guard let live = Self.liveTaskDirectory(pid, proc: paths.proc) else { return }
    let theirs = IPCNamespaceID.of(String(live.dropFirst(paths.proc.count + 1)), proc: paths.proc)
    if counted { countOwner(pid, proc: proc, namespace: theirs, ours: namespace, into: &report) }
    guard usersToo else { return }
    // System V ids restart in every IPC namespace: another namespace's "/SYSV" mapping of
    // shmid 0 is not a use of ours. (One whose namespace cannot be read may be ours.) A
    // segment is attached in the namespace of the thread that attached it, and threads can
    // differ: when the main thread's is another, the others are asked, only if it maps any.
    let inOurNamespace = {
      guard case .success(let main) = theirs, main != namespace else { return true }
      return taskNamespaces(pid).contains { $0 == namespace }
    }
    let known = if case .success(let main) = theirs { main == namespace } else { false }
    scanProcess(
      pid, shmDevice: shmDevice, sysvDevices: sysvDevices, inOurNamespace: inOurNamespace,
      inOurIPCNamespace: known, into: &report)
  }

  /// Counts `pid` for its owner if it is in the IPC namespace `namespace`, or may be (its
  /// namespace is hidden from this caller: the safe side, since the count keeps objects). A
  /// zombie has no namespaces left and holds nothing: it does not count.
  private func countOwner(
    _ pid: pid_t, proc: CInt, namespace: Result<IPCNamespaceID, Errno>, ours: IPCNamespaceID?,
    into report: inout Report
  ) {
    guard let status = try? FileStatus.at(proc, String(pid), followingLinks: true) else { return }
    switch namespace {
    case .success(let theirs) where theirs != ours: return
    case .failure(let code) where !code.isPermissionDenied: return
    default: report.processesByOwner[status.st_uid, default: 0] += 1
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


  private func scanProcess(
    _ pid: pid_t, shmDevice: UInt64?, sysvDevices: Set<UInt64>, inOurNamespace: () -> Bool,
    inOurIPCNamespace: Bool = false, into report: inout Report
  ) {
    // A process whose main thread has exited shows no maps and no descriptors there, while
    // its other threads run on with both: read them through one of those.
    guard let base = Self.liveTaskDirectory(pid, proc: paths.proc),  // none: a zombie, which uses nothing
      let process = ProcessRef.reading(pid, proc: paths.proc)
    else { return }  // gone
    // What this process uses, added only if it is still alive at the end: a zombie (or one
    // on its way out) holds nothing, and is nobody's user.
    var found = Report()
    var mapsHidden = false
    var descriptorsHidden = false
    do {
      // Whole, however large (a database may have hundreds of thousands of mappings): a
      // mapping past a cut would be a user missed, and its segment removed.
      let maps = try FileDescriptor.open(base + "/maps", O_RDONLY).read(upTo: .max)
      readMaps(
        maps, process, shmDevice: shmDevice, sysvDevices: sysvDevices,
        inOurNamespace: inOurNamespace, into: &found)
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
    report.merge(found)
    if mapsHidden || descriptorsHidden {
      report.hidden.append(
        HiddenProcess(
          process: process, descriptorsHidden: descriptorsHidden, mapsHidden: mapsHidden,
          mountedDevices: MountInfo.read(directory: base)?.devices, inOurIPCNamespace: inOurIPCNamespace))
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
    _ bytes: [UInt8], _ process: ProcessRef, shmDevice: UInt64?, sysvDevices: Set<UInt64>,
    inOurNamespace: () -> Bool, into report: inout Report
  ) {
    var sameNamespace: Bool?  // asked at the first System V mapping only
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
      guard shared || shmDevice.map({ parseDevice(fields[3]) == $0 }) == true else { continue }
      let pathBytes = Array(fields[5].drop { $0 == 0x20 })
      let path = String(decoding: pathBytes, as: UTF8.self)  // for the checks below only
      guard let inode = parseInteger(fields[4], radix: UInt64(10)) else { continue }
      if path.hasPrefix("/SYSV"), let device = parseDevice(fields[3]), sysvDevices.contains(device) {
        if sameNamespace == nil { sameNamespace = inOurNamespace() }
        guard sameNamespace == true else { continue }
        report.bySegment[Int32(truncatingIfNeeded: inode), default: []].insert(process)
        continue
      }
      guard let device = parseDevice(fields[3]) else { continue }
      let identity = FileIdentity(device: device, inode: inode)
      report.byFile[identity, default: []].insert(process)
      // Only this /dev/shm's: another mount namespace's /dev/shm (a container's) has paths that
      // look the same and are other files.
      if path.hasSuffix(" (deleted)") && path.hasPrefix("/dev/shm/") && device == shmDevice
        && !Self.isSemOpenTemporary(pathBytes)
      {
        if deletedSeen.insert(inode).inserted {
          report.deletedMappings.append(DeletedMapping(process: process, pathBytes: pathBytes, inode: inode))
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
