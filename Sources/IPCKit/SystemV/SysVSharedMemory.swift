import Glibc

/// System V shared memory segments (`shmget(2)`, `shmctl(2)`).
enum SysVSharedMemory: SysVFamily {
  static let control = "shmctl"
  static let idName = "shmid"
  static let statAny: CInt = 15  // SHM_STAT_ANY
  static let destroyFlag: UInt32 = 0o1000  // SHM_DEST: removed, waiting for the last detach
  static let lockedFlag: UInt32 = 0o2000  // SHM_LOCKED

  /// Creates a segment; key nil means IPC_PRIVATE. Returns the id.
  static func create(key: Int32?, size: UInt64, permissions: IPCPermissions, paths: IPCPaths)
    throws(IPCError) -> Int32
  {
    do throws(SystemError) {
      guard size <= UInt64(Int.max) else { throw SystemError(call: "shmget", code: .invalidArgument) }
      return try SysVCalls.shmget(
        key ?? IPC_PRIVATE, size: Int(size), IPC_CREAT | IPC_EXCL | CInt(permissions.rawValue)
      ).mapError { SystemError(call: "shmget", code: $0) }.get()
    } catch {
      // As `limits` shows them: the kernel's "no limit" (near 2^64) as unlimited.
      func setting(_ name: String) -> UInt64? { paths.kernelSetting("kernel/" + name) }
      let hint: IPCError.Hint? =
        switch error.code {
        // shmmin is no setting: the kernel's smallest segment is 1 byte.
        case .invalidArgument: .segmentSize(shmmax: setting("shmmax"))
        case .noSpace: .tooManySegments(shmmni: setting("shmmni"), shmall: setting("shmall"))
        default: keyTakenHint(.sysvSharedMemory, error.code, id: SysVCalls.shmget(key ?? IPC_PRIVATE, size: 0, 0))
        }
      throw IPCError(operation: "create", subject: createSubject(.sysvSharedMemory, key: key), error, hint: hint)
    }
  }

  static func list(paths: IPCPaths, withValues: Bool = true) -> [IPCObjectInfo] {
    let table = SysVProcTable(paths: paths, name: "shm")
    let common = SysVProcTable.CommonColumns(table, id: "shmid")
    let (size, nattch, cpid, lpid) = (table.column("size"), table.column("nattch"), table.column("cpid"), table.column("lpid"))
    let (atime, dtime, rss, swap) = (table.column("atime"), table.column("dtime"), table.column("rss"), table.column("swap"))
    return table.rowsSorted(by: common.id).compactMap { row in
      guard let mode = row.octal(common.perms) else { return nil }
      var segment = SysVSegmentDetails()
      segment.size = row.number(size)
      segment.attached = row.number(nattch)
      segment.creatorPID = row.number(cpid)
      segment.lastPID = row.number(lpid)
      segment.lastAttach = timeOrNil(row.number(atime))
      segment.lastDetach = timeOrNil(row.number(dtime))
      segment.residentBytes = row.number(rss)
      segment.swappedBytes = row.number(swap)
      segment.markedForRemoval = mode & destroyFlag != 0
      segment.locked = mode & lockedFlag != 0
      return common.info(row, .sysvSharedMemory(segment))
    }
  }

  static func highestSlot() -> CInt { SysVCalls.highestSegmentSlot() }

  /// shmctl leaves out the page counts; /proc has them.
  static func inspect(_ id: Int32, paths: IPCPaths) throws(SystemError) -> IPCObjectInfo {
    var info = try status(id)
    if case .sysvSharedMemory(var segment) = info.details,
      let row = list(paths: paths).first(where: { $0.id == id })?.details.sysvSegment
    {
      segment.residentBytes = row.residentBytes
      segment.swappedBytes = row.swappedBytes
      info.details = .sysvSharedMemory(segment)
    }
    return info
  }

  static func status(slot: Int32) throws(SystemError) -> IPCObjectInfo {
    var record = shmid_ds()
    let id = try SysVCalls.shmctl(slot, statAny, &record)
      .mapError { SystemError(call: "shmctl", subject: "shmid \(slot)", code: $0) }.get()
    let perm = record.shm_perm
    var segment = SysVSegmentDetails()
    segment.size = UInt64(record.shm_segsz)
    segment.attached = UInt64(record.shm_nattch)
    segment.creatorPID = record.shm_cpid
    segment.lastPID = record.shm_lpid
    segment.lastAttach = timeOrNil(record.shm_atime)
    segment.lastDetach = timeOrNil(record.shm_dtime)
    segment.markedForRemoval = UInt32(perm.mode) & destroyFlag != 0
    segment.locked = UInt32(perm.mode) & lockedFlag != 0
    return IPCObjectInfo(id: id, perm, changed: record.shm_ctime, details: .sysvSharedMemory(segment))
  }

  /// Marks the segment for removal; it goes when the last process detaches.
  ///
  /// The corresponding C call is `shmctl(2)` with IPC_RMID.
  static func removal(_ id: Int32) -> Result<Void, Errno> {
    var unused = shmid_ds()
    return SysVCalls.shmctl(id, IPC_RMID, &unused).map { _ in () }
  }

  /// Maps the segment into this process.
  ///
  /// The corresponding C call is `shmat(2)`.
  static func attach(_ id: Int32, readOnly: Bool = false) throws(SystemError)
    -> UnsafeMutableRawPointer
  {
    try SysVCalls.shmat(id, readOnly: readOnly)
      .mapError { SystemError(call: "shmat", subject: "shmid \(id)", code: $0) }.get()
  }

  /// The first `count` bytes of a segment (fewer if it is smaller), read through a read-only
  /// attachment, which the kernel records (the attach and detach times, the last pid): never
  /// in a dry run or a listing. Nil if it cannot be attached.
  static func contents(_ id: Int32, count: Int, size: Int) -> [UInt8]? {
    guard let address = try? attach(id, readOnly: true) else { return nil }
    defer { detach(address) }
    return Array(UnsafeRawBufferPointer(start: address, count: min(count, size)))
  }

  /// Unmaps it; never retried (a second shmdt could detach what was mapped there since).
  ///
  /// The corresponding C call is `shmdt(2)`.
  static func detach(_ address: UnsafeMutableRawPointer) {
    SysVCalls.shmdt(address)
  }
}
