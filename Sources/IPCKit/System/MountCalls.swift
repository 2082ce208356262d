import CIPCShims
import Glibc

/// mount(2) and unshare(2) for a mount namespace of ipctool's own: tracefs mounted where only
/// this process sees it, gone when it exits, whatever way it exits.
enum MountCalls {
  /// Leaves the mount namespace this process shares, and makes every mount in the copy private,
  /// so a mount made next is seen by no one else and none from outside arrives.
  ///
  /// The corresponding C calls are `unshare(CLONE_NEWNS)` and `mount(NULL, "/", NULL,
  /// MS_REC | MS_PRIVATE, NULL)`. The process must not have started threads yet.
  static func enterPrivateMountNamespace() throws(SystemError) {
    try retryingOnInterrupt("unshare", "CLONE_NEWNS") { ipcshim_unshare_mount_namespace() }
    try retryingOnInterrupt("mount", "/ private") {
      Glibc.mount(nil, "/", nil, UInt(MS_REC) | UInt(MS_PRIVATE), nil)
    }
  }

  /// Mounts a file system of `type` with no device at `target`.
  ///
  /// The corresponding C call is `mount(type, target, type, 0, NULL)`.
  static func mount(type: String, at target: String) throws(SystemError) {
    try retryingOnInterrupt("mount", "\(type) on \(target)") { Glibc.mount(type, target, type, 0, nil) }
  }
}
