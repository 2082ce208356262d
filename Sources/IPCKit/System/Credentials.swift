import Glibc

/// What this process may do, as the kernel sees it, each call wrapped once.
enum Credentials {
  /// The supplementary groups (without the effective group).
  ///
  /// The corresponding C call is `getgroups(2)`.
  static var supplementaryGroups: [gid_t] {
    let count = getgroups(0, nil)
    var groups = [gid_t](repeating: 0, count: Int(max(count, 0)))
    let filled = getgroups(count, &groups)
    return Array(groups.prefix(Int(max(filled, 0))))
  }

  /// The soft limit of `resource` (RLIMIT_*); nil if it cannot be read.
  ///
  /// The corresponding C call is `getrlimit(2)`.
  static func softLimit(_ resource: CInt) -> UInt64? {
    var limit = rlimit()
    guard getrlimit(__rlimit_resource_t(UInt32(resource)), &limit) == 0 else { return nil }
    return UInt64(limit.rlim_cur)
  }
}
