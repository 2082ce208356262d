import Glibc

/// What the running system is, each query wrapped once.
enum SystemConfiguration {
  /// The page size in bytes.
  ///
  /// The corresponding C call is `sysconf(3)` with _SC_PAGESIZE.
  static var pageSize: UInt64 { UInt64(max(1, sysconf(Int32(_SC_PAGESIZE)))) }

  /// The cores online now, at least 1.
  ///
  /// The corresponding C call is `sysconf(3)` with _SC_NPROCESSORS_ONLN.
  static var onlineCores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

  /// Sleeps about `microseconds`, the whole time even if a signal interrupts it.
  ///
  /// The corresponding C call is `nanosleep(2)`.
  static func sleep(microseconds: Int) {
    var wanted = timespec(
      tv_sec: microseconds / 1_000_000, tv_nsec: microseconds % 1_000_000 * 1000)
    var left = timespec()
    while nanosleep(&wanted, &left) != 0 && Errno.current == .interrupted { wanted = left }
  }

  /// Sets the file-mode creation mask, and returns the one before.
  ///
  /// The corresponding C call is `umask(2)`.
  static func setCreationMask(_ mask: mode_t) -> mode_t { umask(mask) }
}
