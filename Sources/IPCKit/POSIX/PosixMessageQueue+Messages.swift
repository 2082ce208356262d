import CIPCShims
import Glibc

/// A queue opened to carry messages, and sending and receiving on it. Send and receive are
/// non-throwing: they also run in forked workers.
extension PosixMessageQueue {
  /// Creates a queue of `maxMessages` messages of `messageSize` bytes, open for reading and
  /// writing (not inherited by exec).
  ///
  /// The corresponding C call is `mq_open(3)` with O_CREAT | O_EXCL | O_RDWR.
  static func createOpen(
    _ name: IPCName, maxMessages: Int, messageSize: Int, permissions: IPCPermissions
  ) throws(SystemError) -> mqd_t {
    var attributes = mq_attr()
    attributes.mq_maxmsg = maxMessages
    attributes.mq_msgsize = messageSize
    return try MessageQueueCalls.open(
      name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, mode: permissions.rawValue,
      attributes: attributes
    ).mapError { SystemError(call: "mq_open", subject: name.description, code: $0) }.get()
  }

  /// The corresponding C call is `mq_send(3)`.
  static func send(_ queue: mqd_t, _ bytes: UnsafeRawBufferPointer) -> Result<Void, Errno> {
    MessageQueueCalls.send(queue, bytes)
  }

  /// Waits for the oldest message of the highest priority; returns its size. EINTR is
  /// returned, not retried: the caller has work to do then.
  ///
  /// The corresponding C call is `mq_receive(3)`.
  static func receive(_ queue: mqd_t, into bytes: UnsafeMutableRawBufferPointer)
    -> Result<Int, Errno>
  {
    MessageQueueCalls.receive(queue, into: bytes)
  }

  /// Never retried: the descriptor is gone after the first call, whatever it returns.
  ///
  /// The corresponding C call is `mq_close(3)`.
  static func close(_ queue: mqd_t) {
    MessageQueueCalls.close(queue)
  }

  /// Whether a queue has this name now.
  static func exists(_ name: IPCName) -> Bool {
    guard case .success(let queue) = MessageQueueCalls.open(name, O_RDONLY) else { return false }
    close(queue)
    return true
  }
}
