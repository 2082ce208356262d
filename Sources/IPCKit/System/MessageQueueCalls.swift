import CIPCShims
import Glibc

/// The POSIX message queue calls (`<mqueue.h>`, through CIPCShims), each wrapped once.
/// Non-throwing where forked workers use them.
enum MessageQueueCalls {
  /// Opens (with O_CREAT, creates) the queue `name` ("/jobs"); `attributes` nil takes the
  /// kernel's defaults.
  ///
  /// The corresponding C call is `mq_open(3)`.
  static func open(
    _ name: IPCName, _ flags: CInt, mode: mode_t = 0, attributes: mq_attr? = nil
  ) -> Result<mqd_t, Errno> {
    name.withCString { path in
      if var attributes {
        return valueOrErrno { ipcshim_mq_open(path, flags, mode, &attributes) }
      }
      return valueOrErrno { ipcshim_mq_open(path, flags, mode, nil) }
    }
  }

  /// Never retried: the descriptor is gone after the first call, whatever it returns.
  ///
  /// The corresponding C call is `mq_close(3)`.
  static func close(_ queue: mqd_t) {
    _ = ipcshim_mq_close(queue)
  }

  /// The corresponding C call is `mq_unlink(3)`.
  static func unlink(_ name: IPCName) -> Result<Void, Errno> {
    valueOrErrno { name.withCString(ipcshim_mq_unlink) }.map { _ in () }
  }

  /// The queue's limits and message count. A file that is not a queue answers EBADF.
  ///
  /// The corresponding C call is `mq_getattr(3)`.
  static func attributes(_ queue: mqd_t) -> Result<mq_attr, Errno> {
    var attributes = mq_attr()
    return valueOrErrno(badDescriptorIsAnAnswer: true) {
      ipcshim_mq_getattr(queue, &attributes)
    }.map { _ in attributes }
  }

  /// The corresponding C call is `mq_send(3)`.
  static func send(_ queue: mqd_t, _ bytes: UnsafeRawBufferPointer) -> Result<Void, Errno> {
    let base = bytes.baseAddress!.assumingMemoryBound(to: CChar.self)
    return valueOrErrno { ipcshim_mq_send(queue, base, bytes.count, 0) }.map { _ in () }
  }

  /// Waits for the oldest message of the highest priority; returns its size. EINTR is
  /// returned, not retried: the caller has work to do then.
  ///
  /// The corresponding C call is `mq_receive(3)`.
  static func receive(_ queue: mqd_t, into bytes: UnsafeMutableRawBufferPointer)
    -> Result<Int, Errno>
  {
    let count = ipcshim_mq_receive(
      queue, bytes.baseAddress!.assumingMemoryBound(to: CChar.self), bytes.count)
    return count >= 0 ? .success(count) : .failure(.current)
  }
}
