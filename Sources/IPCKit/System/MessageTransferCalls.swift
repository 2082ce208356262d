import CIPCShims
import Glibc

/// Sending and receiving for `ipctool send` and `receive`, each call wrapped once. Unlike the
/// forms pi uses, each returns EINTR instead of retrying it: the caller then decides whether a
/// stop signal or its deadline has come (`MessageWait`).
enum MessageTransferCalls {
  /// The corresponding C call is `mq_send(3)`.
  static func mqSend(_ queue: mqd_t, _ bytes: UnsafeRawBufferPointer, priority: UInt32)
    -> Result<Void, Errno>
  {
    // A zero-length message has no buffer: any valid address does.
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: 1) { spare in
      let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self) ?? UnsafePointer(spare.baseAddress!)
      return ipcshim_mq_send(queue, base, bytes.count, priority) == 0
        ? .success(()) : .failure(interruptedOr(.current))
    }
  }

  /// Takes the oldest message of the highest priority; its size and priority.
  ///
  /// The corresponding C call is `mq_receive(3)`.
  static func mqReceive(_ queue: mqd_t, into bytes: UnsafeMutableRawBufferPointer)
    -> Result<(size: Int, priority: UInt32), Errno>
  {
    var priority: UInt32 = 0
    let count = ipcshim_mq_receive_priority(
      queue, bytes.baseAddress!.assumingMemoryBound(to: CChar.self), bytes.count, &priority)
    return count >= 0 ? .success((count, priority)) : .failure(interruptedOr(.current))
  }

  /// Sends `size` bytes of payload; `message` starts with the message type (a C long).
  ///
  /// The corresponding C call is `msgsnd(2)`.
  static func msgsnd(_ id: Int32, _ message: UnsafeRawPointer, size: Int, flags: CInt)
    -> Result<Void, Errno>
  {
    Glibc.msgsnd(id, message, size, flags) == 0 ? .success(()) : .failure(interruptedOr(.current))
  }

  /// Takes a message as `type` selects (0: the next; > 0: the next of that type; < 0: the
  /// lowest type up to its magnitude); the payload's size.
  ///
  /// The corresponding C call is `msgrcv(2)`.
  static func msgrcv(
    _ id: Int32, into message: UnsafeMutableRawPointer, size: Int, type: Int, flags: CInt
  ) -> Result<Int, Errno> {
    let count = Glibc.msgrcv(id, message, size, type, flags)
    return count >= 0 ? .success(count) : .failure(interruptedOr(.current))
  }

  /// EFAULT and EBADF mean a bug here, as `valueOrErrno` says.
  private static func interruptedOr(_ code: Errno) -> Errno {
    precondition(code != .badAddress && code != .badFileDescriptor, "a bad pointer or descriptor")
    return code
  }
}
