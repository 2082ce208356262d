import Glibc

/// A POSIX queue: its attributes and status line need the queue opened; stat alone gives none.
public struct PosixQueueDetails: Sendable, Equatable {
  public var messages: UInt64?
  public var maxMessages: UInt64?
  public var messageSize: UInt64?
  /// Bytes queued (QSIZE).
  public var bytes: UInt64?
  /// The process registered with mq_notify.
  public var notifyPID: pid_t?
  /// The file's modification time: the last send or receive.
  public var modified: Int?

  public init() {}
}
