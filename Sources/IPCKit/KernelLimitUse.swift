import Glibc

/// What the kernel limits count of the objects (System V ones and POSIX queues), counted a run
/// at a time as a listing or a snapshot reads them, and merged.
public struct KernelLimitUse: Sendable {
  /// The kinds whose objects the limits count.
  public static let kinds: Set<IPCKind> = [.sysvQueue, .sysvSharedMemory, .sysvSemaphore, .posixQueue]

  var sysvQueues: UInt64 = 0
  var largestQueueBytes: UInt64?
  var segments: UInt64 = 0
  var segmentPages: UInt64 = 0
  var largestSegment: UInt64?
  var semaphoreSets: UInt64 = 0
  var semaphores: UInt64 = 0
  var largestSet: UInt64?
  var posixQueues: UInt64 = 0
  var longestQueue: UInt64?
  var largestMessage: UInt64?
  /// The caller's POSIX queues as RLIMIT_MSGQUEUE charges them: each queue's messages at their
  /// full size, plus a pointer each.
  var callersQueueBytes: UInt64 = 0
  /// False when the POSIX queues could not be listed: their use is unknown, not none.
  public var queuesKnown = true

  public init() {}

  /// The use `objects` make.
  public init(_ objects: [IPCObjectInfo]) {
    let page = SystemConfiguration.pageSize
    let pointer = UInt64(MemoryLayout<UnsafeRawPointer>.size)
    let caller = geteuid()
    func larger(_ known: UInt64?, _ value: UInt64?) -> UInt64? {
      guard let value else { return known }
      return max(known ?? value, value)
    }
    for object in objects {
      switch object.details {
      case .sysvQueue(let queue):
        sysvQueues += 1
        largestQueueBytes = larger(largestQueueBytes, queue.bytes)
      case .sysvSharedMemory(let segment):
        segments += 1
        segmentPages += ((segment.size ?? 0) + page - 1) / page
        largestSegment = larger(largestSegment, segment.size)
      case .sysvSemaphore(let set):
        semaphoreSets += 1
        semaphores += set.count ?? 0
        largestSet = larger(largestSet, set.count)
      case .posixQueue(let queue):
        posixQueues += 1
        longestQueue = larger(longestQueue, queue.maxMessages)
        largestMessage = larger(largestMessage, queue.messageSize)
        if object.uid == caller {
          callersQueueBytes += (queue.maxMessages ?? 0) * ((queue.messageSize ?? 0) + pointer)
        }
      default: continue
      }
    }
  }

  /// Adds another run's use.
  public mutating func add(_ other: KernelLimitUse) {
    func larger(_ one: UInt64?, _ other: UInt64?) -> UInt64? {
      [one, other].compactMap { $0 }.max()
    }
    sysvQueues += other.sysvQueues
    largestQueueBytes = larger(largestQueueBytes, other.largestQueueBytes)
    segments += other.segments
    segmentPages += other.segmentPages
    largestSegment = larger(largestSegment, other.largestSegment)
    semaphoreSets += other.semaphoreSets
    semaphores += other.semaphores
    largestSet = larger(largestSet, other.largestSet)
    posixQueues += other.posixQueues
    longestQueue = larger(longestQueue, other.longestQueue)
    largestMessage = larger(largestMessage, other.largestMessage)
    callersQueueBytes += other.callersQueueBytes
    queuesKnown = queuesKnown && other.queuesKnown
  }
}
