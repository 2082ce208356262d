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
    var entry = passwd()
    var result: UnsafeMutablePointer<passwd>?
    var buffer = [CChar](repeating: 0, count: 4096)
    let found = getpwuid_r(uid, &entry, &buffer, buffer.count, &result)
    return found == 0 && result != nil ? String(cString: entry.pw_name) : String(uid)
  }

  /// The uid a user name or number names; nil when neither.
  public static func uid(of user: String) -> uid_t? {
    if let number = uid_t(user) { return number }
    var entry = passwd()
    var result: UnsafeMutablePointer<passwd>?
    var buffer = [CChar](repeating: 0, count: 4096)
    guard getpwnam_r(user, &entry, &buffer, buffer.count, &result) == 0, result != nil else {
      return nil
    }
    return entry.pw_uid
  }
}
