import Glibc

/// What the kernel tells about one object. Fields a kind does not have, or that the caller may
/// not read, are nil.
public struct IPCObjectInfo: Sendable, Equatable {
  public var kind: IPCKind
  public var name: IPCName?  // POSIX
  public var id: Int32?  // System V
  public var key: Int32?  // System V; 0 is IPC_PRIVATE
  public var uid: uid_t
  public var gid: gid_t
  public var creatorUID: uid_t?
  public var creatorGID: gid_t?
  public var permissions: IPCPermissions
  /// Last change of owner, mode or, for POSIX objects, content (ctime).
  public var changed: Int?
  /// Device and inode of a POSIX object's file, by which processes' maps and fds name it.
  public var file: FileIdentity?
  /// Processes using the object; nil when not looked up or not knowable.
  public var users: [ProcessRef]?

  // Queues.
  public var messages: UInt64?
  public var bytes: UInt64?  // queued
  public var maxMessages: UInt64?  // posix-mq
  public var messageSize: UInt64?  // posix-mq
  public var maxBytes: UInt64?  // sysv-mq
  public var notifyPID: pid_t?  // posix-mq
  public var lastSendPID: pid_t?
  public var lastReceivePID: pid_t?
  public var lastSend: Int?
  public var lastReceive: Int?

  // Shared memory.
  public var size: UInt64?
  public var attached: UInt64?
  public var creatorPID: pid_t?
  public var lastPID: pid_t?  // last shmat/shmdt
  public var lastAttach: Int?
  public var lastDetach: Int?
  public var markedForRemoval: Bool?  // SHM_DEST
  public var locked: Bool?  // SHM_LOCKED
  public var residentBytes: UInt64?
  public var swappedBytes: UInt64?

  // Semaphores.
  public var value: UInt32?  // posix-sem
  public var waiters: UInt32?  // posix-sem
  public var semaphoreCount: UInt64?  // sysv-sem
  public var semaphores: [SysVSemaphoreState]?
  public var lastOperation: Int?  // semop

  public init(kind: IPCKind, uid: uid_t, gid: gid_t, permissions: IPCPermissions) {
    self.kind = kind
    self.uid = uid
    self.gid = gid
    self.permissions = permissions
  }

  /// The one word that names this object: `posix-shm:/x`, `sysv-mq:32768`.
  public var reference: IPCReference {
    if let name { return .named(name, kind: kind) }
    return .sysvID(kind, id ?? -1)
  }

  /// Whether the caller may read the object, as the kernel decides for IPC_STAT or open:
  /// root, or the read bit for owner, group or others, whichever applies.
  public func isReadable(byUser user: uid_t = geteuid(), groups: [gid_t] = currentGroups()) -> Bool {
    if user == 0 { return true }
    let mode = permissions.rawValue
    if user == uid || (!kind.isNamed && user == creatorUID) { return mode & 0o400 != 0 }
    if groups.contains(gid) || (!kind.isNamed && creatorGID.map(groups.contains) == true) {
      return mode & 0o040 != 0
    }
    return mode & 0o004 != 0
  }
}

/// One semaphore of a System V set.
public struct SysVSemaphoreState: Sendable, Equatable {
  public var value: Int32
  public var waitingForIncrease: Int32  // semncnt
  public var waitingForZero: Int32  // semzcnt
  public var lastPID: pid_t
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

/// A process, as `clean` and `inspect` name users: "1234 (sleep)".
///
/// A process names itself (prctl, or its program's file name), so its command is bytes that may
/// hold controls and invalid UTF-8: kept as bytes, shown escaped.
public struct ProcessRef: Hashable, Sendable, CustomStringConvertible {
  public var pid: pid_t
  public var commandBytes: [UInt8]

  public init(pid: pid_t, commandBytes: [UInt8]) {
    self.pid = pid
    self.commandBytes = commandBytes
  }

  /// The command, escaped for a terminal.
  public var command: String { Escaping.escape(commandBytes) }

  public var description: String { "\(pid) (\(command))" }
}

/// The effective group and the supplementary groups of this process.
public func currentGroups() -> [gid_t] {
  let count = getgroups(0, nil)
  var groups = [gid_t](repeating: 0, count: Int(max(count, 0)))
  let filled = getgroups(count, &groups)
  return [getegid()] + groups.prefix(Int(max(filled, 0)))
}
