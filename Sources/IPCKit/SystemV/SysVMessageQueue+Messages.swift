import Glibc

/// Sending and receiving. Non-throwing: they also run in forked workers.
extension SysVMessageQueue {
  /// Sends `size` bytes of payload; `message` starts with the message type (a C long).
  ///
  /// The corresponding C call is `msgsnd(2)`.
  static func send(_ id: Int32, _ message: UnsafeRawPointer, size: Int) -> Result<Void, Errno> {
    SysVCalls.msgsnd(id, message, size: size)
  }

  /// Waits for the next message and copies it (type, then at most `size` bytes) to `message`;
  /// returns the payload's size. EINTR is returned, not retried: the caller has work to do then.
  ///
  /// The corresponding C call is `msgrcv(2)`.
  static func receive(_ id: Int32, into message: UnsafeMutableRawPointer, size: Int)
    -> Result<Int, Errno>
  {
    SysVCalls.msgrcv(id, into: message, size: size)
  }
}
