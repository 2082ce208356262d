/// A queue opened to send or receive messages, POSIX or System V alike: what `ipctool send`
/// and `receive` work through. Each family's calls live in its own type
/// (`PosixMessageQueue.Endpoint`, `SysVMessageQueue.Endpoint`).
public final class MessageChannel {
  private enum Endpoint {
    case posix(PosixMessageQueue.Endpoint)
    case sysv(SysVMessageQueue.Endpoint)
  }

  private let endpoint: Endpoint
  private let wait: MessageWait

  /// Opens the queue `object` is; any other kind is refused before anything is done.
  public init(_ object: IPCObjectInfo, context: IPCContext, sending: Bool, wait: MessageWait)
    throws(TransferError)
  {
    self.wait = wait
    switch object.identity {
    case .named(let name) where object.kind == .posixQueue:
      endpoint = .posix(
        try PosixMessageQueue.Endpoint(name, writing: sending, nonblocking: wait == .nonblock))
    case .sysv(let id, _) where object.kind == .sysvQueue:
      endpoint = .sysv(try SysVMessageQueue.Endpoint(id, paths: context.paths))
    default:
      throw .notAQueue(object.kind)
    }
  }

  /// The queue's limits, as its errors name them.
  public var limit: MessageLimit {
    switch endpoint {
    case .posix(let queue): queue.limit
    case .sysv(let queue): queue.limit
    }
  }

  /// Sends one message: a POSIX queue takes its priority (0 if nil), a System V one its type
  /// (1 if nil).
  public func send(_ message: QueueMessage) throws(TransferError) {
    switch endpoint {
    case .posix(let queue): try queue.send(message, wait: wait)
    case .sysv(let queue): try queue.send(message, wait: wait)
    }
  }

  /// Takes one message; `type` selects on a System V queue as msgrcv(2) does and is ignored on
  /// a POSIX one (which gives the oldest of the highest priority).
  public func receive(type: Int = 0) throws(TransferError) -> QueueMessage {
    switch endpoint {
    case .posix(let queue): try queue.receive(wait: wait)
    case .sysv(let queue): try queue.receive(type: type, wait: wait)
    }
  }

  /// Every message on the queue, left there, oldest first: copied one by one (MSG_COPY), so a
  /// queue that changes meanwhile may show a message twice or miss one. A POSIX queue cannot
  /// be read so: `cannotPeek`, rather than taking and sending back.
  public func peek() throws(TransferError) -> [QueueMessage] {
    guard case .sysv(let queue) = endpoint else { throw .cannotPeek(.posixQueue) }
    var messages: [QueueMessage] = []
    while let message = try queue.copy(at: messages.count) { messages.append(message) }
    return messages
  }
}
