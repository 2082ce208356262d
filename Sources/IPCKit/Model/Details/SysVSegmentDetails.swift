import Glibc

/// A System V segment, as shmctl and /proc/sysvipc/shm tell it.
public struct SysVSegmentDetails: Sendable, Equatable {
  public var size: UInt64?
  /// Attachments, which the kernel counts itself.
  public var attached: UInt64?
  public var creatorPID: pid_t?
  /// The last process to attach or detach.
  public var lastPID: pid_t?
  public var lastAttach: Int?
  public var lastDetach: Int?
  /// SHM_DEST: removed, freed when the last process detaches.
  public var markedForRemoval = false
  /// SHM_LOCKED: kept out of swap.
  public var locked = false
  /// From /proc only.
  public var residentBytes: UInt64?
  public var swappedBytes: UInt64?

  public init() {}
}
