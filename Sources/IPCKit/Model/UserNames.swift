import Glibc
import Synchronization

/// Looks up user names by uid and back, remembering each answer.
///
/// A listing of thousands of objects owned by a handful of users asks the passwd database a
/// handful of times. Shared by the threads that render a listing.
public final class UserNames: Sendable {
  private let known = Mutex<[uid_t: String]>([:])

  public init() {}

  /// The user's name, or the number itself when no user has it (as ls does).
  public func name(of uid: uid_t) -> String {
    known.withLock { names in
      if let name = names[uid] { return name }
      let name = Self.lookUp(uid)
      names[uid] = name
      return name
    }
  }

  private static func lookUp(_ uid: uid_t) -> String {
    entry({ getpwuid_r(uid, &$0, &$1, $1.count, &$2) }, { String(cString: $0.pw_name) })
      ?? String(uid)
  }

  /// The uid a user name or number names; nil when neither.
  public static func uid(of user: String) -> uid_t? {
    if let number = uid_t(user) { return number }
    return entry({ getpwnam_r(user, &$0, &$1, $1.count, &$2) }, \.pw_uid)
  }

  /// What `read` takes from the passwd entry `call` finds, with a buffer that grows while the
  /// entry does not fit (NSS modules such as sssd may return long fields); nil when no user has
  /// it. The entry's strings live in the buffer, so `read` runs before it goes.
  private static func entry<T>(
    _ call: (inout passwd, inout [CChar], inout UnsafeMutablePointer<passwd>?) -> CInt,
    _ read: (passwd) -> T
  ) -> T? {
    var entry = passwd()
    var result: UnsafeMutablePointer<passwd>?
    var size = 4096
    while size <= 1 << 24 {
      var buffer = [CChar](repeating: 0, count: size)
      let found = call(&entry, &buffer, &result)
      if found == ERANGE {
        size *= 4
        continue
      }
      guard found == 0, result != nil else { return nil }
      return withExtendedLifetime(buffer) { read(entry) }
    }
    return nil
  }
}
