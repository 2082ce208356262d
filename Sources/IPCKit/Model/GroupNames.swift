import Glibc
import Synchronization

/// Looks up group names by gid, remembering each answer (as `UserNames` does for users).
public final class GroupNames: Sendable {
  private let known = Mutex<[gid_t: String]>([:])

  public init() {}

  /// The group's name, or the number itself when no group has it (as ls does).
  public func name(of gid: gid_t) -> String {
    known.withLock { names in
      if let name = names[gid] { return name }
      let name = Self.lookUp(gid) ?? String(gid)
      names[gid] = name
      return name
    }
  }

  /// The gid a group name or number names; nil when neither (as `UserNames.uid(of:)`).
  public static func gid(of group: String) -> gid_t? {
    if let number = gid_t(group) { return number }
    var entry = Glibc.group()
    var result: UnsafeMutablePointer<Glibc.group>?
    var size = 4096
    while size <= 1 << 24 {
      var buffer = [CChar](repeating: 0, count: size)
      let found = getgrnam_r(group, &entry, &buffer, buffer.count, &result)
      if found == ERANGE {
        size *= 4
        continue
      }
      guard found == 0, result != nil else { return nil }
      return entry.gr_gid
    }
    return nil
  }

  /// Asks NSS, with a buffer that grows while the entry does not fit: a group from LDAP or
  /// sssd lists its members in it, and thousands of them pass any fixed size.
  private static func lookUp(_ gid: gid_t) -> String? {
    var entry = group()
    var result: UnsafeMutablePointer<group>?
    var size = 4096
    while size <= 1 << 24 {
      var buffer = [CChar](repeating: 0, count: size)
      let found = getgrgid_r(gid, &entry, &buffer, buffer.count, &result)
      if found == ERANGE {
        size *= 4
        continue
      }
      guard found == 0, result != nil else { return nil }
      return withExtendedLifetime(buffer) { String(cString: entry.gr_name) }
    }
    return nil
  }
}
