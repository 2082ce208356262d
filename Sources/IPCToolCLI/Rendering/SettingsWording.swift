import IPCKit

/// The sentences of `ipctool set`.
enum SettingsWording {
  static let nothingToSet = "nothing to set: give --mode, --owner or --size"
  static let ownerExpected = "a user, user:group or :group (names or numbers)"

  static func sizeNotAQueue(_ subject: String, _ kind: IPCKind) -> String {
    "'--size' is a System V queue's byte limit; \(subject) is a \(kind.rawValue)"
  }

  static func several(_ subject: String, _ kinds: [IPCKind]) -> String {
    let spelled = kinds.map(\.rawValue).joined(separator: ", ")
    return "\(subject) names several objects (\(spelled)): write the kind, such as \(kinds[0].rawValue):\(subject)"
  }

  /// "0600 root:root" and, when the byte limit was asked for, "16384 bytes".
  static func state(_ settings: ObjectSettings, withSize: Bool, users: UserNames, groups: GroupNames) -> String {
    var text = (settings.permissions?.octal ?? "?") + " "
      + Escaping.escape(users.name(of: settings.uid ?? 0)) + ":"
      + Escaping.escape(groups.name(of: settings.gid ?? 0))
    if withSize, let bytes = settings.queueBytes { text += " \(bytes) bytes" }
    return text
  }

  static func line(_ error: SettingsError, _ subject: String) -> String {
    switch error {
    case .sizeNotAQueue(let kind): return "set \(subject): " + sizeNotAQueue(subject, kind)
    case .system(let failure):
      // The errno is named: EPERM (not the owner, or a byte limit above kernel.msgmnb without
      // CAP_SYS_RESOURCE) and EACCES (no read bit to open a POSIX object) need different fixes.
      if failure.code == .noSuchFileOrDirectory || failure.code == .identifierRemoved {
        return IPCError(operation: "set", subject: subject, reason: .noSuchObject).line
      }
      let name = failure.code.name ?? "errno \(failure.code.rawValue)"
      return "set \(subject): \(failure.call) refused with \(name) (\(failure.code)); nothing changed"
    }
  }
}
