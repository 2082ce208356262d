import Glibc

/// Changing a descriptor's mode and owner: what `ipctool set` does to POSIX objects, always
/// on a descriptor opened without following links, never on a path.
enum OwnershipCalls {
  /// The corresponding C call is `fchmod(2)`.
  static func setMode(_ descriptor: CInt, _ mode: mode_t) -> Result<Void, Errno> {
    valueOrErrno { fchmod(descriptor, mode) }.map { _ in () }
  }

  /// Owner and group; `uid_t.max` (-1) leaves one as it is.
  ///
  /// The corresponding C call is `fchown(2)`.
  static func setOwner(_ descriptor: CInt, uid: uid_t, gid: gid_t) -> Result<Void, Errno> {
    valueOrErrno { fchown(descriptor, uid, gid) }.map { _ in () }
  }
}
