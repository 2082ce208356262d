import CIPCShims
import Glibc

/// `stat(2)` and its relatives, each wrapped once: what a file is, by path, in a folder, or
/// on a descriptor.
enum FileStatus {
  /// What `path` is, following links.
  ///
  /// The corresponding C call is `stat(2)`.
  static func of(_ path: String) throws(SystemError) -> stat {
    var info = stat()
    try retryingOnInterrupt("stat", path) { stat(path, &info) }
    return info
  }

  /// What `name` in the folder `directory` is; a link itself unless `followingLinks`.
  ///
  /// The corresponding C call is `fstatat(2)`.
  static func at(
    _ directory: CInt, _ name: UnsafePointer<CChar>, followingLinks: Bool
  ) throws(SystemError) -> stat {
    var info = stat()
    try retryingOnInterrupt("stat", String(cString: name)) {
      fstatat(directory, name, &info, followingLinks ? 0 : AT_SYMLINK_NOFOLLOW)
    }
    return info
  }

  /// The same for a name given as a String ("1234" in /proc).
  static func at(_ directory: CInt, _ name: String, followingLinks: Bool) throws(SystemError)
    -> stat
  {
    var info = stat()
    try retryingOnInterrupt("stat", name) {
      fstatat(directory, name, &info, followingLinks ? 0 : AT_SYMLINK_NOFOLLOW)
    }
    return info
  }

  /// A POSIX object's file (behind `prefix`, "sem." for semaphores) in the folder, not
  /// following a link.
  static func at(_ directory: CInt, _ name: IPCName, prefix: String = "") throws(SystemError)
    -> stat
  {
    var info = stat()
    try retryingOnInterrupt("stat", name.description) {
      name.withFileNameCString(prefix: prefix) {
        fstatat(directory, $0, &info, AT_SYMLINK_NOFOLLOW)
      }
    }
    return info
  }

  /// What the path names itself, a link not followed.
  ///
  /// The corresponding C call is `lstat(2)`.
  static func ofLink(_ path: UnsafePointer<CChar>) throws(SystemError) -> stat {
    var info = stat()
    try retryingOnInterrupt("lstat", String(cString: path)) { lstat(path, &info) }
    return info
  }

  /// `name` in the folder, looked up without following a link or crossing a mount on it, with
  /// the id of the mount it is on; `flags` as fstatat's (AT_EMPTY_PATH for the descriptor
  /// itself). EXDEV: something is mounted on the name.
  ///
  /// The corresponding C calls are `openat2(2)` and `statx(2)` (in CIPCShims).
  static func withMount(_ directory: CInt, _ name: UnsafePointer<CChar>, flags: CInt)
    -> Result<(status: stat, mountID: UInt64), Errno>
  {
    var info = stat()
    var mount: UInt64 = 0
    return valueOrErrno { ipcshim_fstatat_mount(directory, name, flags, &info, &mount) }
      .map { _ in (info, mount) }
  }

  /// One name read from the folder (a single component), as it is, with the id of the mount
  /// it is on, in one call: a link is not followed, and a file system mounted on the name is
  /// asked nothing (its answer is the inode the kernel holds); the caller compares the mount.
  ///
  /// The corresponding C call is `statx(2)` with AT_SYMLINK_NOFOLLOW, AT_NO_AUTOMOUNT and
  /// AT_STATX_DONT_SYNC (in CIPCShims).
  static func entry(_ directory: CInt, _ name: UnsafePointer<CChar>)
    -> Result<(status: stat, mountID: UInt64), Errno>
  {
    var info = stat()
    var mount: UInt64 = 0
    return valueOrErrno { ipcshim_entry_status(directory, name, &info, &mount) }
      .map { _ in (info, mount) }
  }

  /// The device and inode of what the link `name` in the folder (a /proc/PID/fd entry) leads
  /// to, as the kernel has them cached: the file system behind it is never asked.
  ///
  /// The corresponding C call is `statx(2)` with AT_STATX_DONT_SYNC (in CIPCShims).
  static func cachedIdentity(_ directory: CInt, _ name: String)
    -> Result<(device: UInt64, inode: UInt64), Errno>
  {
    var device: UInt64 = 0
    var inode: UInt64 = 0
    // EBADF is an answer: a descriptor of another process may close while we look.
    return valueOrErrno(badDescriptorIsAnAnswer: true) {
      ipcshim_identity_at(directory, name, &device, &inode)
    }.map { _ in (device, inode) }
  }

  /// Size and free space of the file system a descriptor is on.
  ///
  /// The corresponding C call is `fstatvfs(2)`.
  static func fileSystem(_ descriptor: CInt) throws(SystemError) -> statvfs {
    var info = statvfs()
    try retryingOnInterrupt("statvfs") { fstatvfs(descriptor, &info) }
    return info
  }
}
