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
      var entry = group()
      var result: UnsafeMutablePointer<group>?
      var buffer = [CChar](repeating: 0, count: 4096)
      let found = getgrgid_r(gid, &entry, &buffer, buffer.count, &result)
      let name = found == 0 && result != nil ? String(cString: entry.gr_name) : String(gid)
      names[gid] = name
      return name
    }
  }
}
