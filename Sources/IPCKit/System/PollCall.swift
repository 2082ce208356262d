import Glibc

/// poll(2) on one descriptor.
enum PollCall {
  /// Waits until `fd` is readable or `milliseconds` pass; true when it is readable (or closed).
  /// A signal ends the wait early: the caller looks at what stopped it and comes back.
  ///
  /// The corresponding C call is `poll(2)`.
  static func waitReadable(_ fd: CInt, milliseconds: CInt) throws(SystemError) -> Bool {
    var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
    let result = Glibc.poll(&entry, 1, milliseconds)
    if result == -1 {
      let code = Errno.current
      if code == .interrupted { return false }
      throw SystemError(call: "poll", code: code)
    }
    return result > 0
  }

  /// Waits until one of `fds` is readable or `milliseconds` pass; true when one is.
  ///
  /// The corresponding C call is `poll(2)`.
  static func waitReadable(_ fds: [CInt], milliseconds: CInt) throws(SystemError) -> Bool {
    var entries = fds.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
    let result = Glibc.poll(&entries, nfds_t(entries.count), milliseconds)
    if result == -1 {
      let code = Errno.current
      if code == .interrupted { return false }
      throw SystemError(call: "poll", code: code)
    }
    return result > 0
  }

  /// Reads what a non-blocking descriptor holds now, up to `buffer`'s size; 0 when nothing is
  /// there yet (EAGAIN) or at its end.
  ///
  /// The corresponding C call is `read(2)`.
  static func readAvailable(_ fd: CInt, into buffer: UnsafeMutableRawBufferPointer)
    throws(SystemError) -> Int
  {
    switch valueOrErrno({ Glibc.read(fd, buffer.baseAddress, buffer.count) }) {
    case .success(let count): return count
    case .failure(let code) where code == .resourceTemporarilyUnavailable: return 0
    case .failure(let code): throw SystemError(call: "read", subject: "trace_pipe", code: code)
    }
  }
}
