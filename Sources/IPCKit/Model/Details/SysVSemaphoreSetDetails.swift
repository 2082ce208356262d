import Glibc

/// A System V semaphore set.
public struct SysVSemaphoreSetDetails: Sendable, Equatable {
  /// How many semaphores it has.
  public var count: UInt64?
  /// Each semaphore's state, where the caller may read them (inspect).
  public var states: [SysVSemaphoreState]?
  /// The last semop.
  public var lastOperation: Int?

  public init() {}
}

/// One semaphore of a System V set.
public struct SysVSemaphoreState: Sendable, Equatable {
  public var value: Int32
  public var waitingForIncrease: Int32  // semncnt
  public var waitingForZero: Int32  // semzcnt
  public var lastPID: pid_t
}
