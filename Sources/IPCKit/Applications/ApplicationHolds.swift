import Glibc

/// Which objects known applications hold without any process mapping them or holding them
/// open, read once for a clean or a listing: PostgreSQL's segments, each attributed to the one
/// cluster whose records list it (see `PostgreSQL`), never to a cluster by its owner alone;
/// and what a running Python multiprocessing resource tracker may hold (see
/// `PythonMultiprocessing`). Programs that keep what they use mapped or open (browsers, PulseAudio, JACK) need no
/// knowledge: the users scan sees them.
public struct ApplicationHolds: Sendable {
  /// Segments a running postmaster holds: its interlock, its control segment and the dynamic
  /// segments the control segment lists.
  private var held: [IPCObjectInfo.Identity: Holder] = [:]
  /// Owners with a running postmaster whose records could not be read: a dynamic segment of
  /// theirs that no other cluster lists may be its.
  private var unreadOwners: [uid_t: Holder] = [:]
  /// Owners with a running postmaster whose records were read, and when.
  private var runningOwners: [uid_t: Holder] = [:]
  private var readAt = 0
  /// Python multiprocessing's resource trackers, by owner: they may hold any of the owner's
  /// POSIX segments and semaphores.
  private var trackers: [uid_t: Holder] = [:]
  /// Sets a crashed postmaster left, by member: removed together or not at all.
  private var setOf: [IPCObjectInfo.Identity: Int] = [:]
  public private(set) var leftSets: [LeftSet] = []

  /// The interlock, control segment and dynamic segments of one cluster whose postmaster is gone.
  public struct LeftSet: Sendable {
    public var holder: Holder
    public var members: [IPCObjectInfo]
  }

  public init() {}

  /// Holds as given, for clean's rules to be tried without an application: `holder` holds
  /// `objects`; each of `leftSets` was left by a gone one.
  init(holding objects: [IPCObjectInfo], by holder: Holder, leftSets: [LeftSet] = []) {
    for object in objects { held[object.identity] = holder }
    self.leftSets = leftSets
    for (index, set) in leftSets.enumerated() {
      for member in set.members { setOf[member.identity] = index }
    }
  }

  /// The running application holding `object`, if any.
  public func holder(of object: IPCObjectInfo) -> Holder? {
    if object.kind.isFileInDevShm,
      let tracker = trackers[object.uid]
    {
      return held[object.identity] ?? tracker
    }
    guard isSegment(object) else { return nil }
    if let holder = held[object.identity] { return holder }
    guard let name = object.name, PostgreSQL.isDynamicSegment(name), setOf[object.identity] == nil
    else { return nil }
    if let holder = unreadOwners[object.uid] { return holder }
    // A segment made after the records were read, or in the moment between its making and its
    // listing: kept while that could be so.
    if var holder = runningOwners[object.uid], let changed = object.changed,
      changed >= readAt - ActivityEvidence.quietSeconds
    {
      holder.basis = .justMade(changed: changed)
      return holder
    }
    return nil
  }

  /// Which set a gone application left `object` belongs to, if any.
  func leftSetIndex(of object: IPCObjectInfo) -> Int? {
    isSegment(object) ? setOf[object.identity] : nil
  }

  private func isSegment(_ object: IPCObjectInfo) -> Bool {
    object.kind.mechanism == .sharedMemory
  }

  /// Reads the holds in this IPC namespace and /dev/shm.
  ///
  /// A running cluster is read from its postmaster's memory (process_vm_readv: nothing is
  /// attached, no time changes), where it maps its interlock and control segment.
  /// `findLeftSets` also gathers crashed clusters' sets: a POSIX control segment is read as a
  /// file; an interlock or a System V control segment nobody maps can only be read by
  /// attaching it, which the kernel records, so only where `mayAttach` (a clean that is not a
  /// dry run). Without, an unread interlock is planned as any other segment.
  public static func read(_ inventory: Inventory, findLeftSets: Bool, mayAttach: Bool = false)
    -> ApplicationHolds
  {
    var holds = ApplicationHolds()
    holds.readAt = inventory.context.clock.now
    // The verified /dev/shm (a target's, under --target): every file is read through it.
    let shm = try? inventory.paths.openShm().get()
    holds.trackers = PythonMultiprocessing.trackers(proc: inventory.paths.proc, shmDevice: shm?.device)
    let clusters = PostgreSQLSegments(inventory, shm: shm)
    guard !clusters.isEmpty else { return holds }
    holds.readRunningClusters(clusters)
    if findLeftSets { holds.readLeftSets(clusters, mayAttach: mayAttach) }
    return holds
  }

  /// Running clusters: an interlock attached to, mapped by its live creator, whose header
  /// there names that creator. Each creator's mappings read once (an X server's clients make
  /// many segments each).
  private mutating func readRunningClusters(_ clusters: PostgreSQLSegments) {
    var mappingsOf: [pid_t: ForeignMemory?] = [:]
    for interlock in clusters.segments where (interlock.details.sysvSegment?.attached ?? 0) > 0 {
      guard let id = interlock.id, let key = interlock.key,
        let pid = interlock.details.sysvSegment?.creatorPID, pid > 0,
        let process = ProcessRef.reading(pid, proc: clusters.proc)
      else { continue }
      var holder = Holder(application: PostgreSQL.application, role: PostgreSQL.role, process: process)
      // A live creator whose mappings cannot be read (another user's, a maps file past the
      // cap) may be a postmaster: unknown, not "none".
      if mappingsOf[pid] == nil { mappingsOf[pid] = ForeignMemory(pid, proc: clusters.proc) }
      guard let memory = mappingsOf[pid] ?? nil else {
        holder.basis = .unread
        unreadOwners[interlock.uid] = holder
        continue
      }
      guard let address = memory.sysvMapping(id: id, key: key) else { continue }
      guard let bytes = memory.read(address, count: PostgreSQL.headerBytes) else {
        // Perhaps a postmaster; its records are out of reach (ptrace denied).
        holder.basis = .unread
        unreadOwners[interlock.uid] = holder
        continue
      }
      guard let header = PostgreSQL.header(bytes), header.creator == pid else { continue }
      held[interlock.identity] = holder
      // No dynamic shared memory, or (dynamic_shared_memory_type = mmap) in files of the data
      // directory, which are no IPC objects: the interlock is all there is.
      guard header.control != 0, let control = clusters.segment(header.control, uid: interlock.uid) else {
        runningOwners[interlock.uid] = holder
        continue
      }
      var items: [UInt32]?
      if let size = control.details.size,
        size <= PostgreSQL.largestControl,
        let at = control.name.map({ memory.posixMapping($0.bytes) })
          ?? memory.sysvMapping(id: control.id!, key: control.key!),
        let bytes = memory.read(at, count: Int(size))
      {
        held[control.identity] = holder
        items = PostgreSQL.controlItems(bytes, size: Int(size))
      }
      guard let items else {
        holder.basis = .unread
        unreadOwners[interlock.uid] = holder
        continue
      }
      runningOwners[interlock.uid] = holder
      for handle in items {
        if let member = clusters.segment(handle, uid: interlock.uid) { held[member.identity] = holder }
      }
    }
  }

  /// Crashed clusters: control segments no running cluster holds, each with what it lists
  /// and, where read, the interlock that names it.
  private mutating func readLeftSets(_ clusters: PostgreSQLSegments, mayAttach: Bool) {
    var sets: [(control: IPCObjectInfo, holder: Holder, members: [IPCObjectInfo])] = []
    var seen = Set(held.keys)
    func leftSet(_ control: IPCObjectInfo, bytes: [UInt8], size: Int, formerPID: pid_t?, interlock: IPCObjectInfo?) {
      guard !seen.contains(control.identity), let items = PostgreSQL.controlItems(bytes, size: size) else { return }
      let members = [interlock, control].compactMap { $0 }
        + items.compactMap { clusters.segment($0, uid: control.uid) }.filter { !seen.contains($0.identity) }
      seen.formUnion(members.map(\.identity))
      let holder = Holder(
        application: PostgreSQL.application, role: PostgreSQL.role, process: nil, formerPID: formerPID)
      sets.append((control, holder, members))
    }
    if mayAttach {
      for interlock in clusters.segments
      where interlock.details.sysvSegment?.attached == 0 && !seen.contains(interlock.identity) {
        guard let id = interlock.id, let size = interlock.details.size,
          let bytes = SysVSharedMemory.contents(id, count: PostgreSQL.headerBytes, size: Int(size)),
          let header = PostgreSQL.header(bytes), header.control != 0,
          let control = clusters.segment(header.control, uid: interlock.uid),
          let (contents, controlSize) = clusters.controlBytes(control, mayAttach: true)
        else { continue }
        leftSet(control, bytes: contents, size: controlSize, formerPID: header.creator, interlock: interlock)
      }
    }
    // POSIX control segments whose interlock is gone or was not read; not of an owner whose
    // running postmaster could not be read (the segment may be its).
    for object in clusters.dynamic
    where !seen.contains(object.identity) && unreadOwners[object.uid] == nil
      && (object.details.size ?? 0) <= PostgreSQL.largestControl
    {
      guard let shm = clusters.shm,
        let head = readShmFile(object.name!.bytes, in: shm, limit: PostgreSQL.largestControl, count: 4),
        head.bytes.count == 4, head.bytes.withUnsafeBytes({ $0.loadUnaligned(as: UInt32.self) }) == PostgreSQL.controlMagic,
        let (contents, size) = clusters.controlBytes(object, mayAttach: mayAttach)
      else { continue }
      leftSet(object, bytes: contents, size: size, formerPID: nil, interlock: nil)
    }
    for (index, set) in sets.enumerated() {
      for member in set.members { setOf[member.identity] = index }
      leftSets.append(LeftSet(holder: set.holder, members: set.members))
    }
  }
}

/// The segments PostgreSQL clusters may have made in this IPC namespace and /dev/shm, found by
/// the handles their records hold. PostgreSQL refuses to run as root: its segments never
/// belong to root.
private struct PostgreSQLSegments {
  let proc: String
  let shm: ShmHandle?
  /// The `/PostgreSQL.<number>` segments in /dev/shm, stat'ed; none if unreadable.
  let dynamic: [IPCObjectInfo]
  /// System V segments not marked for removal.
  let segments: [IPCObjectInfo]
  private var byName: [[UInt8]: IPCObjectInfo] = [:]
  private var byKey: [Int32: IPCObjectInfo] = [:]

  init(_ inventory: Inventory, shm: ShmHandle?) {
    proc = inventory.paths.proc
    self.shm = shm
    let named = inventory.shmNames([.posixSharedMemory], namePrefix: Array("/PostgreSQL.".utf8))
    dynamic = inventory.shmObjects(named)
      .filter { $0.name.map(PostgreSQL.isDynamicSegment) == true && $0.uid != 0 }
    segments = SysVSharedMemory.list(paths: inventory.paths, withValues: false)
      .filter { $0.uid != 0 && $0.details.sysvSegment?.markedForRemoval == false }
    for object in dynamic { byName[object.name!.bytes] = object }
    for segment in segments where segment.key != 0 { byKey[segment.key!] = byKey[segment.key!] ?? segment }
  }

  var isEmpty: Bool { dynamic.isEmpty && segments.isEmpty }

  /// The segment a handle names, if its owner is `uid`.
  func segment(_ handle: UInt32, uid: uid_t) -> IPCObjectInfo? {
    let found = byName[PostgreSQL.dynamicName(handle)] ?? byKey[PostgreSQL.sysvKey(handle)]
    return found?.uid == uid ? found : nil
  }

  /// A control segment's bytes, read as a file or (where allowed) through an attachment.
  func controlBytes(_ control: IPCObjectInfo, mayAttach: Bool) -> (bytes: [UInt8], size: Int)? {
    guard let size = control.details.size, size <= PostgreSQL.largestControl else { return nil }
    if let name = control.name {
      guard let shm else { return nil }
      return readShmFile(name.bytes, in: shm, limit: PostgreSQL.largestControl)
    }
    guard mayAttach, let id = control.id,
      let bytes = SysVSharedMemory.contents(id, count: Int(size), size: Int(size))
    else { return nil }
    return (bytes, Int(size))
  }
}
