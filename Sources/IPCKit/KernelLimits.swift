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

  public func read() -> (limits: [KernelLimit], gaps: [ListingGap]) {
    let paths = inventory.paths
    let listing = inventory.list(Set(IPCKind.allCases), withValues: false)
    func kernel(_ name: String) -> UInt64? { paths.kernelSetting("kernel/" + name) }
    func mqueue(_ name: String) -> UInt64? { paths.kernelSetting("fs/mqueue/" + name) }
    let queues = listing.objects.compactMap(\.details.sysvQueue)
    let segments = listing.objects.compactMap(\.details.sysvSegment)
    let sets = listing.objects.compactMap(\.details.sysvSemaphoreSet)
    let posixQueueObjects = listing.objects.filter { $0.kind == .posixQueue }
    let posixQueues = posixQueueObjects.compactMap(\.details.posixQueue)
    // Without the mqueue filesystem the queues are unknown, not absent.
    let queuesKnown = !listing.gaps.contains { $0.kinds.contains(.posixQueue) }
    func queueUse(_ value: UInt64?) -> UInt64? { queuesKnown ? value : nil }
    let page = SystemConfiguration.pageSize
    let sem = (readTextFile(paths.proc + "/sys/kernel/sem") ?? "")
      .split(whereSeparator: \.isWhitespace).map { UInt64($0) }
    func semField(_ index: Int) -> UInt64? { index < sem.count ? sem[index] : nil }
    let semaphoreTotal = sets.reduce(UInt64(0)) { $0 + ($1.count ?? 0) }
    let pagesUsed = segments.reduce(UInt64(0)) { $0 + (($1.size ?? 0) + page - 1) / page }
    var limits = [
      KernelLimit(name: "msgmni", value: kernel("msgmni"), used: UInt64(queues.count)),
      KernelLimit(name: "msgmax", value: kernel("msgmax"), used: nil),
      KernelLimit(
        name: "msgmnb", value: kernel("msgmnb"), used: queues.compactMap(\.bytes).max(),
        perObject: true),
      KernelLimit(name: "shmmni", value: kernel("shmmni"), used: UInt64(segments.count)),
      KernelLimit(name: "shmall", value: kernel("shmall"), used: pagesUsed),
      KernelLimit(
        name: "shmmax", value: kernel("shmmax"), used: segments.compactMap(\.size).max(),
        perObject: true),
      KernelLimit(name: "shmmin", value: 1, used: nil),
      KernelLimit(name: "semmni", value: semField(3), used: UInt64(sets.count)),
      KernelLimit(name: "semmns", value: semField(1), used: semaphoreTotal),
      KernelLimit(
        name: "semmsl", value: semField(0), used: sets.compactMap(\.count).max(), perObject: true),
      KernelLimit(name: "semopm", value: semField(2), used: nil),
      KernelLimit(name: "semvmx", value: 32767, used: nil),
      KernelLimit(
        name: "queues_max", value: mqueue("queues_max"),
        used: queueUse(UInt64(posixQueues.count))),
      KernelLimit(
        name: "msg_max", value: mqueue("msg_max"),
        used: posixQueues.compactMap(\.maxMessages).max(), perObject: true),
      KernelLimit(
        name: "msgsize_max", value: mqueue("msgsize_max"),
        used: posixQueues.compactMap(\.messageSize).max(), perObject: true),
      KernelLimit(name: "msg_default", value: mqueue("msg_default"), used: nil),
      KernelLimit(name: "msgsize_default", value: mqueue("msgsize_default"), used: nil),
    ]
    var rlimit = messageQueueRlimit(posixQueueObjects)
    rlimit.used = queueUse(rlimit.used)
    limits.append(rlimit)
    limits.append(contentsOf: shmFilesystem(paths))
    return (limits, listing.gaps)
  }

  /// RLIMIT_MSGQUEUE and roughly how much of it the caller's queues take (the kernel counts
  /// each queue's messages at their full size, plus bookkeeping).
  private func messageQueueRlimit(_ queues: [IPCObjectInfo]) -> KernelLimit {
    let limit = Credentials.softLimit(12)  // RLIMIT_MSGQUEUE
    let mine = queues.filter { $0.uid == geteuid() }
    let pointer = UInt64(MemoryLayout<UnsafeRawPointer>.size)
    let used = mine.compactMap(\.details.posixQueue).reduce(UInt64(0)) { total, queue in
      total + (queue.maxMessages ?? 0) * ((queue.messageSize ?? 0) + pointer)
    }
    return KernelLimit(name: "RLIMIT_MSGQUEUE", value: limit, used: used)
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
