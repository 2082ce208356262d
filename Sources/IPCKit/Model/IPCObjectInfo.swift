import Glibc

/// What the kernel tells about one object: a small header every kind has, and the details of
/// its own kind (boxed, so the record stays small and cheap to copy, as lsipc's `ipc_stat` plus
/// one struct per kind).
public struct IPCObjectInfo: Sendable, Equatable {
  /// A POSIX name, or a System V id and key.
  public var identity: Identity
  public var uid: uid_t
  public var gid: gid_t
  /// Who made a System V object (it may have changed owner since); nil for POSIX objects.
  public var creator: Creator?
  public var permissions: IPCPermissions
  /// Last change of owner, mode or, for POSIX objects, content (ctime); queues: see
  /// `PosixMessageQueue.info`.
  public var changed: Int?
  /// The newest sign of use the kernel keeps: for System V the newest of the change, send,
  /// receive, attach, detach and semop times; for POSIX objects the newest of the file's
  /// modification and change times. `--older-than` and IDLE go by it.
  public var lastActivity: Int? {
    // Without an array: read per row of a listing of tens of thousands.
    func later(_ a: Int?, _ b: Int?) -> Int? {
      guard let a else { return b }
      guard let b else { return a }
      return max(a, b)
    }
    func latest(_ a: Int?, _ b: Int?, _ c: Int? = nil) -> Int? { later(later(a, b), c) }
    return switch details {
    case .sysvQueue(let queue): latest(changed, queue.lastSend, queue.lastReceive)
    case .sysvSharedMemory(let segment): latest(changed, segment.lastAttach, segment.lastDetach)
    case .sysvSemaphore(let set): latest(changed, set.lastOperation)
    case .posixQueue(let queue): latest(changed, queue.modified)
    case .posixSharedMemory(let segment): latest(changed, segment.modified)
    case .posixSemaphore(let semaphore): latest(changed, semaphore.modified)
    }
  }
  /// Device and inode of a POSIX object's file, by which processes' maps and fds name it.
  public var file: FileIdentity?
  /// Processes using the object; nil when not looked up or not knowable.
  public var users: [ProcessRef]?
  /// What only this kind has; the kind follows from it.
  public var details: Details

  public enum Identity: Sendable, Hashable {
    case named(IPCName)
    /// Key 0 is IPC_PRIVATE.
    case sysv(id: Int32, key: Int32)
  }

  public struct Creator: Sendable, Equatable {
    public var uid: uid_t
    public var gid: gid_t

    public init(uid: uid_t, gid: gid_t) {
      self.uid = uid
      self.gid = gid
    }
  }

  public init(
    _ identity: Identity, uid: uid_t, gid: gid_t, permissions: IPCPermissions, details: Details
  ) {
    self.identity = identity
    self.uid = uid
    self.gid = gid
    self.permissions = permissions
    self.details = details
  }

  /// A System V object as its kernel record (`ipc_perm`) describes it.
  init(id: Int32, _ perm: ipc_perm, changed: Int, details: Details) {
    self.init(
      .sysv(id: id, key: perm.__key), uid: perm.uid, gid: perm.gid,
      permissions: IPCPermissions(rawValue: perm.mode), details: details)
    creator = Creator(uid: perm.cuid, gid: perm.cgid)
    self.changed = changed
  }

  /// A POSIX object as stat describes its file.
  init(_ name: IPCName, _ status: stat, changed: Int, details: Details) {
    self.init(
      .named(name), uid: status.st_uid, gid: status.st_gid,
      permissions: IPCPermissions(rawValue: status.st_mode), details: details)
    self.changed = changed
    file = FileIdentity(status)
  }

  public var kind: IPCKind { details.kind }

  public var name: IPCName? {
    if case .named(let name) = identity { name } else { nil }
  }

  public var id: Int32? {
    if case .sysv(let id, _) = identity { id } else { nil }
  }

  public var key: Int32? {
    if case .sysv(_, let key) = identity { key } else { nil }
  }

  /// The one word that names this object: `posix-shm:/x`, `sysv-mq:32768`.
  public var reference: IPCReference {
    switch identity {
    case .named(let name): .named(name, kind: kind)
    case .sysv(let id, _): .sysvID(kind, id)
    }
  }

  /// Whether the caller may read the object, as the kernel decides for IPC_STAT or open:
  /// root, or the read bit for owner, group or others, whichever applies.
  public func isReadable(byUser user: uid_t = geteuid(), groups: [gid_t] = currentGroups())
    -> Bool
  {
    if user == 0 { return true }
    let mode = permissions.rawValue
    if user == uid || user == creator?.uid { return mode & 0o400 != 0 }
    if groups.contains(gid) || creator.map({ groups.contains($0.gid) }) == true {
      return mode & 0o040 != 0
    }
    return mode & 0o004 != 0
  }
}

/// What only one kind of object has. `indirect` boxes the payload: the record holds a pointer.
public indirect enum Details: Sendable, Equatable {
  case posixQueue(PosixQueueDetails)
  case sysvQueue(SysVQueueDetails)
  case posixSharedMemory(PosixSegmentDetails)
  case sysvSharedMemory(SysVSegmentDetails)
  case posixSemaphore(PosixSemaphoreDetails)
  case sysvSemaphore(SysVSemaphoreSetDetails)

  public var kind: IPCKind {
    switch self {
    case .posixQueue: .posixQueue
    case .sysvQueue: .sysvQueue
    case .posixSharedMemory: .posixSharedMemory
    case .sysvSharedMemory: .sysvSharedMemory
    case .posixSemaphore: .posixSemaphore
    case .sysvSemaphore: .sysvSemaphore
    }
  }

  /// A segment's size (both kinds of shared memory); nil for the others.
  public var size: UInt64? {
    switch self {
    case .posixSharedMemory(let segment): segment.size
    case .sysvSharedMemory(let segment): segment.size
    default: nil
    }
  }

  // Each kind's details where this is that kind, for code that reads one kind's fields.

  public var posixQueue: PosixQueueDetails? {
    if case .posixQueue(let queue) = self { queue } else { nil }
  }

  public var sysvQueue: SysVQueueDetails? {
    if case .sysvQueue(let queue) = self { queue } else { nil }
  }

  public var sysvSegment: SysVSegmentDetails? {
    if case .sysvSharedMemory(let segment) = self { segment } else { nil }
  }

  public var sysvSemaphoreSet: SysVSemaphoreSetDetails? {
    if case .sysvSemaphore(let set) = self { set } else { nil }
  }
}

/// A file's device and inode: what /proc/PID/maps and a stat of /proc/PID/fd/N report.
public struct FileIdentity: Hashable, Sendable {
  public var device: UInt64
  public var inode: UInt64

  public init(device: UInt64, inode: UInt64) {
    self.device = device
    self.inode = inode
  }

  init(_ status: stat) {
    self.init(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
  }
}

/// The effective group and the supplementary groups of this process.
public func currentGroups() -> [gid_t] {
  [getegid()] + Credentials.supplementaryGroups
}
