import Glibc

/// Looks up user names by uid and back, remembering each answer.
///
/// A listing of thousands of objects owned by a handful of users asks the passwd database a
/// handful of times.
public final class UserNames {
  private var names: [uid_t: String] = [:]

  public init() {}

  /// The user's name, or the number itself when no user has it (as ls does).
  public func name(of uid: uid_t) -> String {
    if let known = names[uid] { return known }
    var entry = passwd()
    var result: UnsafeMutablePointer<passwd>?
    var buffer = [CChar](repeating: 0, count: 4096)
    let found = getpwuid_r(uid, &entry, &buffer, buffer.count, &result)
    let name = found == 0 && result != nil ? String(cString: entry.pw_name) : String(uid)
    names[uid] = name
    return name
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
