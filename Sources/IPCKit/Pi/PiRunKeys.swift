import CIPCShims
import Glibc

/// The keys a pi run gives its System V objects, so they can be found even when every process of
/// the run, its cleanup helper too, was killed at once (`kill -KILL -- -PGID`): 0x69 ('i') in
/// the top byte, the run's pid below. For `--prefix` they answer to the name
/// "/ipctool-pi-PID-KIND" (sysv-mq, sysv-shm, sysv-sem), so the clean that removes a run's
/// POSIX leftovers, `ipctool clean --prefix /ipctool-pi-`, removes these too.
///
/// A key is only a number: any program's `ftok(path, 'i')` has 0x69 in its top byte. So an
/// object answers to the name only if the kernel's record shows it was made by the pid in its
/// key: a segment's creator pid; a queue's last receiver (the run sends itself one message and
/// takes it back at once, and only the run's parent ever receives); a set's second semaphore's
/// last pid (set when the run gives the set its values, and never operated on).
public enum PiRunKeys {
  static let tag: UInt32 = 0x6900_0000
  static let pidMask: UInt32 = 0x00FF_FFFF  // pid_max is at most 2^22
  static let namePrefix = Array("/ipctool-pi-".utf8)

  /// The key for this process's run.
  static func key(for pid: pid_t = getpid()) -> Int32 {
    Int32(bitPattern: tag | (UInt32(bitPattern: pid) & pidMask))
  }

  /// The name a pi run's System V object answers to for --prefix; nil for any other object.
  public static func name(of object: IPCObjectInfo) -> [UInt8]? {
    guard !object.kind.isNamed, let key = object.key else { return nil }
    let bits = UInt32(bitPattern: key)
    guard bits & ~pidMask == tag, bits & pidMask != 0,
      madeByRun(object, pid: pid_t(bitPattern: bits & pidMask))
    else { return nil }
    return namePrefix + Array("\(bits & pidMask)-\(object.kind.rawValue)".utf8)
  }

  /// Whether the kernel's record of `object` shows the mark the run with this pid leaves.
  static func madeByRun(_ object: IPCObjectInfo, pid: pid_t) -> Bool {
    switch object.kind {
    case .sysvSharedMemory: return object.details.sysvSegment?.creatorPID == pid
    case .sysvQueue: return object.details.sysvQueue?.lastReceivePID == pid
    case .sysvSemaphore:
      guard let id = object.id else { return false }
      return (try? SysVCalls.semctl(id, markSemaphore, GETPID).get()) == pid
    default: return false
    }
  }

  /// The semaphore of a run's set that carries its mark (the first is the lock).
  static let markSemaphore: CInt = 1

  /// Leaves the mark on a queue just made: a message sent and taken back, so the kernel
  /// records this process as its last receiver.
  static func markQueue(_ id: Int32) {
    var message = (type: Int(markMessageType), byte: UInt8(0))
    withUnsafeMutableBytes(of: &message) { bytes in
      _ = SysVCalls.msgsnd(id, bytes.baseAddress!, size: 0, flags: IPC_NOWAIT)
      _ = SysVCalls.msgrcv(
        id, into: bytes.baseAddress!, size: 0, type: markMessageType, flags: IPC_NOWAIT)
    }
  }

  /// A type the run's records never have (theirs is 1).
  static let markMessageType = 0x69

  /// Whether a --prefix could select a pi run's System V objects.
  public static func prefixMayName(_ prefix: [UInt8]) -> Bool {
    namePrefix.starts(with: prefix) || prefix.starts(with: namePrefix)
  }

  /// Makes an object with the run's key; if someone else holds that key already, with a private
  /// one (findable by the reaper only, not after a group kill) rather than failing or touching
  /// theirs.
  static func creating(_ make: (Int32?) throws(IPCError) -> Int32) throws(IPCError) -> Int32 {
    do {
      return try make(key())
    } catch where error.code == .fileExists {
      return try make(nil)
    }
  }
}
