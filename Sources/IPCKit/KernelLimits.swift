import CIPCShims
import Glibc

/// One kernel limit that governs IPC: its value, how much of it is used, and where it is set.
public struct KernelLimit: Sendable, Equatable {
  public var name: String  // "msgmni"
  public var summary: String
  public var value: UInt64?
  public var used: UInt64?
  /// The sysctl (or rlimit, or mount) that sets it.
  public var setBy: String
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
        KernelLimit(name: "msgmni", summary: "System V message queues", value: kernel("msgmni"),
          used: use.sysvQueues, setBy: "kernel.msgmni"),
        KernelLimit(name: "msgmax", summary: "bytes in one System V message", value: kernel("msgmax"),
          used: nil, setBy: "kernel.msgmax"),
        KernelLimit(name: "msgmnb", summary: "bytes a new System V queue may hold",
          value: kernel("msgmnb"), used: use.largestQueueBytes, setBy: "kernel.msgmnb", perObject: true),
        KernelLimit(name: "shmmni", summary: "System V shared memory segments",
          value: kernel("shmmni"), used: use.segments, setBy: "kernel.shmmni"),
        KernelLimit(name: "shmall", summary: "pages of System V shared memory in all",
          value: kernel("shmall"), used: use.segmentPages, setBy: "kernel.shmall"),
        KernelLimit(name: "shmmax", summary: "bytes in one System V segment", value: kernel("shmmax"),
          used: use.largestSegment, setBy: "kernel.shmmax", perObject: true),
        KernelLimit(name: "shmmin", summary: "smallest System V segment, bytes", value: 1, used: nil,
          setBy: "fixed in the kernel"),
        KernelLimit(name: "semmni", summary: "System V semaphore sets", value: semField(3),
          used: use.semaphoreSets, setBy: "kernel.sem (4th field)"),
        KernelLimit(name: "semmns", summary: "System V semaphores in all", value: semField(1),
          used: use.semaphores, setBy: "kernel.sem (2nd field)"),
        KernelLimit(name: "semmsl", summary: "semaphores in one set", value: semField(0),
          used: use.largestSet, setBy: "kernel.sem (1st field)", perObject: true),
        KernelLimit(name: "semopm", summary: "operations in one semop call", value: semField(2),
          used: nil, setBy: "kernel.sem (3rd field)"),
        KernelLimit(name: "semvmx", summary: "largest semaphore value", value: 32767, used: nil,
          setBy: "fixed in the kernel"),
        KernelLimit(name: "queues_max", summary: "POSIX message queues",
          value: mqueue("queues_max"), used: queueUse(use.posixQueues),
          setBy: "fs.mqueue.queues_max"),
        KernelLimit(name: "msg_max", summary: "messages in one POSIX queue (unprivileged)",
          value: mqueue("msg_max"), used: use.longestQueue,
          setBy: "fs.mqueue.msg_max", perObject: true),
        KernelLimit(name: "msgsize_max", summary: "bytes in one POSIX message (unprivileged)",
          value: mqueue("msgsize_max"), used: use.largestMessage,
          setBy: "fs.mqueue.msgsize_max", perObject: true),
        KernelLimit(name: "msg_default", summary: "queue length when not given",
          value: mqueue("msg_default"), used: nil, setBy: "fs.mqueue.msg_default"),
        KernelLimit(name: "msgsize_default", summary: "message size when not given",
          value: mqueue("msgsize_default"), used: nil, setBy: "fs.mqueue.msgsize_default"),
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
    KernelLimit(
      name: "RLIMIT_MSGQUEUE",
      summary: "bytes of this user's POSIX queues (USED: this namespace's, about)",
      value: Credentials.softLimit(12), used: used, setBy: "ulimit -q (setrlimit)")  // RLIMIT_MSGQUEUE
  }

  private func shmFilesystem(_ paths: IPCPaths) -> [KernelLimit] {
    guard let handle = try? paths.openShm().get(), let info = handle.space() else { return [] }
    let path = handle.path
    let block = UInt64(info.f_frsize)
    return [
      KernelLimit(name: "shm_size", summary: "bytes of POSIX shared memory in \(path)",
        value: UInt64(info.f_blocks) * block,
        used: (UInt64(info.f_blocks) - UInt64(info.f_bfree)) * block,
        setBy: "\(path) mount option size= (tmpfs)"),
      KernelLimit(name: "shm_inodes", summary: "files in \(path)", value: UInt64(info.f_files),
        used: UInt64(info.f_files) - UInt64(info.f_ffree), setBy: "\(path) mount option nr_inodes="),
    ]
  }
}
