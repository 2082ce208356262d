import Glibc

/// What `ipctool set` changes on one object: its mode, owner, group and, for a System V queue,
/// its byte limit (msg_qbytes). Nil leaves a setting as it is. Each family does the calls in
/// its own `+Settings` file: IPC_SET for System V, fchmod/fchown on a descriptor for POSIX.
public struct ObjectSettings: Sendable, Equatable {
  public var permissions: IPCPermissions?
  public var uid: uid_t?
  public var gid: gid_t?
  public var queueBytes: UInt64?

  public init(permissions: IPCPermissions? = nil, uid: uid_t? = nil, gid: gid_t? = nil, queueBytes: UInt64? = nil) {
    self.permissions = permissions
    self.uid = uid
    self.gid = gid
    self.queueBytes = queueBytes
  }

  /// The mode, owner and group of `object` (and a System V queue's byte limit) as they are.
  public static func current(_ object: IPCObjectInfo) -> ObjectSettings {
    ObjectSettings(
      permissions: object.permissions, uid: object.uid, gid: object.gid,
      queueBytes: object.details.sysvQueue?.maxBytes)
  }

  /// Changes `object` as these settings ask; the settings before and after. Nothing changes
  /// when a call is refused: the System V call sets all at once, and a POSIX object's mode is
  /// set only after its owner was.
  public func apply(to object: IPCObjectInfo, context: IPCContext) throws(SettingsError)
    -> (before: ObjectSettings, after: ObjectSettings)
  {
    if queueBytes != nil, object.kind != .sysvQueue { throw .sizeNotAQueue(object.kind) }
    let before = Self.current(object)
    var after = before
    if let permissions { after.permissions = permissions }
    if let uid { after.uid = uid }
    if let gid { after.gid = gid }
    if let queueBytes { after.queueBytes = queueBytes }
    do throws(SystemError) {
      switch object.identity {
      case .sysv(let id, _):
        try SysVSettings.apply(after, to: id, kind: object.kind)
      case .named(let name):
        try PosixSettings.apply(self, to: name, kind: object.kind, in: Inventory(context: context))
      }
    } catch {
      throw .system(error)
    }
    return (before, after)
  }
}

/// Why `set` changed nothing. Values: the command line puts them in words.
public enum SettingsError: Error, Sendable, Equatable {
  /// `--size` on anything but a System V queue.
  case sizeNotAQueue(IPCKind)
  case system(SystemError)
}
