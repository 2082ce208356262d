import Glibc

/// A System V queue, as msgctl and /proc/sysvipc/msg tell it.
public struct SysVQueueDetails: Sendable, Equatable {
  public var messages: UInt64?
  /// Bytes queued.
  public var bytes: UInt64?
  /// The most bytes it may hold (msg_qbytes); msgctl only.
  public var maxBytes: UInt64?
  public var lastSendPID: pid_t?
  public var lastReceivePID: pid_t?
  public var lastSend: Int?
  public var lastReceive: Int?

  public init() {}
}
