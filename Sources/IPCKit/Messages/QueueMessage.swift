/// One message of a queue: its bytes, as they are, and what orders it — a POSIX queue's
/// priority or a System V queue's type.
public struct QueueMessage: Sendable, Equatable {
  public var bytes: [UInt8]
  /// POSIX queues: higher first. Nil for System V messages.
  public var priority: UInt32?
  /// System V queues: a positive number receivers select by. Nil for POSIX messages.
  public var type: Int?

  public init(bytes: [UInt8], priority: UInt32? = nil, type: Int? = nil) {
    self.bytes = bytes
    self.priority = priority
    self.type = type
  }
}

/// How a send or receive waits for room or for a message.
public enum MessageWait: Sendable, Equatable {
  /// Until it can, or a stop signal (SIGINT, SIGTERM, ...) comes.
  case block
  /// Not at all: a full or empty queue is an answer at once.
  case nonblock
  /// At most this many seconds.
  case timeout(Double)
}
