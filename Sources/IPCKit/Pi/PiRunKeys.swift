import Glibc

/// The keys a pi run gives its System V objects, so they can be found even when every process of
/// the run, its cleanup helper too, was killed at once (`kill -KILL -- -PGID`): 0x69 ('i') in
/// the top byte, the run's pid below. For `--prefix` they answer to the name
/// "/ipctool-pi-PID-KIND" (sysv-mq, sysv-shm, sysv-sem), so the clean that removes a run's
/// POSIX leftovers, `ipctool clean --prefix /ipctool-pi-`, removes these too.
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
    guard bits & ~pidMask == tag, bits & pidMask != 0 else { return nil }
    return namePrefix + Array("\(bits & pidMask)-\(object.kind.rawValue)".utf8)
  }

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
