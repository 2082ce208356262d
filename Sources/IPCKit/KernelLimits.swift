import CIPCShims
import Glibc

/// One kernel limit that governs IPC: its value and how much of it is used. What it counts
/// and where it is set are the front end's words (the name says which limit it is).
public struct KernelLimit: Sendable, Equatable {
  public var name: String  // "msgmni"
  public var value: UInt64?
  public var used: UInt64?
  /// For a limit of a file system (shm_size, shm_inodes): the folder it was read from.
  public var folder: String?
  /// A cap on each object (bytes in one message, semaphores in one set), not a pool that
  /// runs out: `used` is the largest object's, and a queue made with the default length is
  /// at its cap without anything being short.
  public var perObject = false

  /// Used as a fraction of the value, when both are known and the value is not "unlimited";
  /// nil for a cap on each object.
  public var fraction: Double? {
    guard !perObject, let value, let used, value > 0, !KernelLimit.isUnlimited(value) else { return nil }
    return Double(used) / Double(value)
  }

  /// A pool 90 % used or more: worth a look before something fails.
  public var isNearLimit: Bool { (fraction ?? 0) >= 0.9 }

  /// Values near 2^64 (shmall, shmmax, RLIM_INFINITY) mean "no limit".
  public static func isUnlimited(_ value: UInt64) -> Bool { value >= 1 << 62 }
}

/// Reads every IPC limit and its current use: System V from /proc/sys/kernel and
/// /proc/sysvipc, POSIX queues from /proc/sys/fs/mqueue, RLIMIT_MSGQUEUE, and /dev/shm's tmpfs.
public struct KernelLimits {
  public let inventory: Inventory

  public init(inventory: Inventory) {
    self.inventory = inventory
  }

  /// The limits, with their use counted from a listing of the objects that count.
  public func read() -> (limits: [KernelLimit], gaps: [ListingGap]) {
    let listing = inventory.list(KernelLimitUse.kinds, withValues: false)
    var use = KernelLimitUse(listing.objects)
    use.queuesKnown = !listing.gaps.contains { $0.kinds.contains(.posixQueue) }
    // /dev/shm's own limits are left out where it is not read: say why.
    var gaps = listing.gaps
    if case .failure(let gap) = inventory.paths.openShm() { gaps.append(gap) }
    return (read(use), gaps)
  }

  /// The limits with the use a caller has already counted from the objects it read (a
  /// snapshot), so that they are not listed a second time.
  public func read(_ use: KernelLimitUse) -> [KernelLimit] {
    settings().limits(use)
  }

  /// The limits' values, read now: in the context's IPC namespace, since most are set per
  /// namespace (/proc/sys shows the reading thread's).
  public func settings() -> Settings {
    let paths = inventory.paths
    var values: [String: UInt64] = [:]
    for name in ["msgmni", "msgmax", "msgmnb", "shmmni", "shmall", "shmmax"] {
      values[name] = paths.kernelSetting("kernel/" + name)
    }
    for name in ["queues_max", "msg_max", "msgsize_max", "msg_default", "msgsize_default"] {
      values[name] = paths.kernelSetting("fs/mqueue/" + name)
    }
    let sem = (readTextFile(paths.proc + "/sys/kernel/sem") ?? "")
      .split(whereSeparator: \.isWhitespace).map { UInt64($0) }
    return Settings(
      values: values, sem: sem, rlimit: messageQueueRlimit(used: nil), shm: shmFilesystem(paths))
  }

  /// The values of the limits, to which `limits(_:)` adds their use.
  public struct Settings: Sendable {
    var values: [String: UInt64]
    var sem: [UInt64?]
    var rlimit: KernelLimit
    var shm: [KernelLimit]

    /// Each limit with its value and `use`.
    public func limits(_ use: KernelLimitUse) -> [KernelLimit] {
      func kernel(_ name: String) -> UInt64? { values[name] }
      func mqueue(_ name: String) -> UInt64? { values[name] }
      // Without the mqueue filesystem the queues are unknown, not absent.
      func queueUse(_ value: UInt64?) -> UInt64? { use.queuesKnown ? value : nil }
      func semField(_ index: Int) -> UInt64? { index < sem.count ? sem[index] : nil }
      var limits = [
        KernelLimit(name: "msgmni", value: kernel("msgmni"), used: use.sysvQueues),
        KernelLimit(name: "msgmax", value: kernel("msgmax"), used: nil),
        KernelLimit(
          name: "msgmnb", value: kernel("msgmnb"), used: use.largestQueueBytes, perObject: true),
        KernelLimit(name: "shmmni", value: kernel("shmmni"), used: use.segments),
        KernelLimit(name: "shmall", value: kernel("shmall"), used: use.segmentPages),
        KernelLimit(
          name: "shmmax", value: kernel("shmmax"), used: use.largestSegment, perObject: true),
        KernelLimit(name: "shmmin", value: 1, used: nil),
        KernelLimit(name: "semmni", value: semField(3), used: use.semaphoreSets),
        KernelLimit(name: "semmns", value: semField(1), used: use.semaphores),
        KernelLimit(name: "semmsl", value: semField(0), used: use.largestSet, perObject: true),
        KernelLimit(name: "semopm", value: semField(2), used: nil),
        KernelLimit(name: "semvmx", value: 32767, used: nil),
        KernelLimit(
          name: "queues_max", value: mqueue("queues_max"), used: queueUse(use.posixQueues)),
        KernelLimit(
          name: "msg_max", value: mqueue("msg_max"), used: use.longestQueue, perObject: true),
        KernelLimit(
          name: "msgsize_max", value: mqueue("msgsize_max"), used: use.largestMessage,
          perObject: true),
        KernelLimit(name: "msg_default", value: mqueue("msg_default"), used: nil),
        KernelLimit(name: "msgsize_default", value: mqueue("msgsize_default"), used: nil),
      ]
      var rlimit = self.rlimit
      rlimit.used = queueUse(use.callersQueueBytes)
      limits.append(rlimit)
      limits.append(contentsOf: shm)
      return limits
    }
  }

  /// RLIMIT_MSGQUEUE, and `used`: roughly how much of it the caller's queues take.
  private func messageQueueRlimit(used: UInt64?) -> KernelLimit {
    KernelLimit(name: "RLIMIT_MSGQUEUE", value: Credentials.softLimit(12), used: used)
  }

  private func shmFilesystem(_ paths: IPCPaths) -> [KernelLimit] {
    guard let handle = try? paths.openShm().get(), let info = handle.space() else { return [] }
    let path = handle.path
    let block = UInt64(info.f_frsize)
    return [
      KernelLimit(
        name: "shm_size", value: UInt64(info.f_blocks) * block,
        used: (UInt64(info.f_blocks) - UInt64(info.f_bfree)) * block, folder: path),
      KernelLimit(
        name: "shm_inodes", value: UInt64(info.f_files),
        used: UInt64(info.f_files) - UInt64(info.f_ffree), folder: path),
    ]
  }
}
