import CIPCShims
import Glibc

/// Joining a namespace, mounting in it, and the helper that acts as another user namespace's
/// root, each call wrapped once.
enum NamespaceCalls {
  /// Moves the calling thread into the IPC namespace `fd` names (an open /proc/PID/ns/ipc).
  ///
  /// The corresponding C call is `setns(2)` with CLONE_NEWIPC (in CIPCShims).
  static func joinIPC(_ fd: CInt) -> Result<Void, Errno> {
    valueOrErrno { ipcshim_join_ipc_namespace(fd) }.map { _ in () }
  }

  /// Joins the IPC namespace at `path` ("/proc/PID/ns/ipc"), opening it for the call only.
  static func joinIPC(at path: String) -> Result<Void, SystemError> {
    do throws(SystemError) {
      let namespace = try FileDescriptor.open(path, O_RDONLY)
      return joinIPC(namespace.raw).mapError { SystemError(call: "setns", subject: path, code: $0) }
    } catch {
      return .failure(error)
    }
  }

  /// A mount of this IPC namespace's mqueue filesystem that belongs to this process alone
  /// (detached: no path reaches it), as an O_PATH descriptor.
  ///
  /// The corresponding C calls are `fsopen(2)`, `fsconfig(2)` and `fsmount(2)` (in CIPCShims).
  static func privateMqueueMount() -> Result<FileDescriptor, Errno> {
    valueOrErrno { ipcshim_open_private_mqueue_mount() }.map { FileDescriptor(raw: $0) }
  }

  /// Starts the helper that acts as the root of the user namespace `fd` names: its pid and the
  /// channel to it, or the errno that stopped it.
  ///
  /// The corresponding C calls are `fork(2)`, `setns(2)`, `setresuid(2)` (in CIPCShims).
  static func startNamespaceRoot(_ userNamespace: CInt)
    -> Result<(pid: pid_t, channel: CInt), Errno>
  {
    var channel: CInt = -1
    var failure: CInt = 0
    let pid = ipcshim_namespace_root_start(userNamespace, &channel, &failure)
    let code = failure != 0 ? failure : errno
    return pid > 0 ? .success((pid, channel)) : .failure(Errno(rawValue: code))
  }

  /// Stops the helper and reaps it.
  static func stopNamespaceRoot(_ pid: pid_t, channel: CInt) {
    ipcshim_namespace_root_stop(pid, channel)
  }

  /// Has the helper unlink `name` in the folder `directory`: the step that failed and its
  /// errno, or 0.
  static func namespaceRootUnlink(
    _ channel: CInt, _ directory: CInt, _ name: UnsafePointer<CChar>
  ) -> (step: CInt, code: CInt) {
    var step: CInt = 0
    let code = ipcshim_namespace_root_unlink(channel, directory, name, &step)
    return (step, code)
  }

  /// Has the helper make `name` in the folder, holding `content` (or `size` allocated bytes),
  /// linked only once complete: the step that failed and its errno, or 0.
  static func namespaceRootCreate(
    _ channel: CInt, _ directory: CInt, _ name: UnsafePointer<CChar>, mode: mode_t,
    content: UnsafeRawBufferPointer?, size: UInt64
  ) -> (step: CInt, code: CInt) {
    var step: CInt = 0
    let code = ipcshim_namespace_root_create(
      channel, directory, name, mode, content?.baseAddress, content?.count ?? 0, size, &step)
    return (step, code)
  }
}
