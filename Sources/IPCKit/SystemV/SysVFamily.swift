import CIPCShims
import Glibc

/// What each System V family (queues, segments, semaphore sets) does, so code that works on
/// any of them asks the family once instead of switching on the kind.
protocol SysVFamily {
  /// The `*ctl` call that reads and removes it, for error messages.
  static var control: String { get }
  /// What the subject of an error is called: "msqid 5".
  static var idName: String { get }
  /// Every object in /proc/sysvipc; `withValues` adds what costs a call per object.
  static func list(paths: IPCPaths, withValues: Bool) -> [IPCObjectInfo]
  /// The highest slot in use; -1 when none is, or with errno.
  static func highestSlot() -> CInt
  /// The kernel's record in the slot the kernel takes from `slot` (an id names its own),
  /// whatever object is there now, read without the read-permission check (*_STAT_ANY).
  static func status(slot: Int32) throws(SystemError) -> IPCObjectInfo
  /// Everything `inspect` shows; the plain record unless the family has more to tell.
  static func inspect(_ id: Int32, paths: IPCPaths) throws(SystemError) -> IPCObjectInfo
  /// IPC_RMID, non-throwing, for code that runs after fork.
  static func removal(_ id: Int32) -> Result<Void, Errno>
}

extension SysVFamily {
  /// The kernel's record of one id now.
  static func status(_ id: Int32) throws(SystemError) -> IPCObjectInfo {
    try sameID(try status(slot: id), id)
  }

  /// `record`, if it is the object `id` names: STAT_ANY looks up by slot, and a different
  /// sequence number in the slot means another object.
  static func sameID(_ record: IPCObjectInfo, _ id: Int32) throws(SystemError) -> IPCObjectInfo {
    guard record.id == id else {
      throw SystemError(call: control, subject: "\(idName) \(id)", code: .invalidArgument)
    }
    return record
  }

  static func inspect(_ id: Int32, paths: IPCPaths) throws(SystemError) -> IPCObjectInfo {
    try status(id)
  }

  /// Removes it (segments: marks it, freed at the last detach).
  static func remove(_ id: Int32) throws(SystemError) {
    try removal(id).mapError { SystemError(call: control, subject: "\(idName) \(id)", code: $0) }
      .get()
  }
}

extension IPCKind {
  /// The System V family of this kind (from the kind table); nil for POSIX kinds.
  var sysvFamily: (any SysVFamily.Type)? {
    if case .systemV(let family) = facts.family { return family }
    return nil
  }
}

/// How a create names what it makes: the key's reference ("sysv-mq:0x00002222"), or the kind
/// for a private key.
func createSubject(_ kind: IPCKind, key: Int32?) -> String {
  kind.rawValue + (key.map { ":" + formatKey($0) } ?? "")
}

/// Where a create found its key taken (EEXIST): which object holds it, as a reference to type
/// next. `id` is the get call's answer for the key alone (a failure if it is gone meanwhile).
func keyTakenHint(_ kind: IPCKind, _ code: Errno, id: @autoclosure () -> Result<Int32, Errno>)
  -> IPCError.Hint?
{
  guard code == .fileExists, case .success(let holder) = id() else { return nil }
  return .keyTaken(kind, id: holder)
}
