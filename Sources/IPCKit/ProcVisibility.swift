import Glibc

/// Whether /proc hides other users' processes from this caller (mounted with hidepid=1 or 2,
/// "noaccess", "invisible" or "ptraceable"). Then the users scan cannot see who uses an object:
/// nobody found is not "unused" but unknown.
enum ProcVisibility {
  /// CAP_SYS_PTRACE: whoever holds it sees every process whatever hidepid says.
  static let ptraceCapability = 19

  static func hidesOtherUsers(proc: String, caller: Caller) -> Bool {
    guard !caller.has(ptraceCapability), let options = superOptions(of: proc)
    else { return false }
    var hidden = false
    var exemptGroup: gid_t?
    for option in options.split(separator: ",") {
      if option.hasPrefix("hidepid=") {
        hidden = !["0", "off"].contains(option.dropFirst("hidepid=".count))
      } else if option.hasPrefix("gid="), let gid = gid_t(option.dropFirst(4)) {
        exemptGroup = gid
      }
    }
    if let exemptGroup, currentGroups().contains(exemptGroup) { return false }
    return hidden
  }

  /// The file system options of the mount at `path`, from mountinfo: "rw,hidepid=2".
  private static func superOptions(of path: String) -> Substring? {
    guard let table = readTextFile(path + "/self/mountinfo") else { return nil }
    var found: Substring?
    for line in table.split(separator: "\n") {
      let fields = line.split(separator: " ")
      guard fields.count > 4, MqueueFilesystem.unescapeMountField(fields[4]) == path,
        let separator = fields.firstIndex(of: "-"), fields.count > separator + 3
      else { continue }
      found = fields[separator + 3]  // the last mount on the path is the one in view
    }
    return found
  }
}
