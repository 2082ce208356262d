import Glibc

/// Waiting on several descriptors at once, with a deadline: a terminal's keys and a signal
/// pipe.
public enum ReadinessWait {
  /// The descriptors of `fds` that are readable (or closed), waiting up to `milliseconds`;
  /// none when the time passed or a signal interrupted the wait.
  ///
  /// The corresponding C call is `poll(2)`.
  public static func readable(_ fds: [CInt], milliseconds: Int) -> [CInt] {
    var entries = fds.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
    let timeout = CInt(clamping: max(0, milliseconds))
    guard poll(&entries, nfds_t(entries.count), timeout) > 0 else { return [] }
    return entries.filter { $0.revents != 0 }.map(\.fd)
  }

  /// The bytes `fd` holds now, up to 4 KiB; empty at its end or when it fails.
  ///
  /// The corresponding C call is `read(2)`.
  public static func available(_ fd: CInt) -> [UInt8] {
    var buffer = [UInt8](repeating: 0, count: 4096)
    let count = buffer.withUnsafeMutableBytes { Descriptors.read(fd, into: $0) }
    guard case .success(let read) = count else { return [] }
    return Array(buffer[..<read])
  }
}
