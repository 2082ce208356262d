import Glibc

/// Acting on another process's IPC objects, as `nsenter -t PID -i` does, without its mounts:
/// System V objects and POSIX queues through its IPC namespace (joined with setns; queues are
/// then listed through a mount made in it), POSIX shared memory and semaphores through the
/// /dev/shm it sees, opened once inside its root and verified (`ShmHandle`). Only the calling
/// thread and the threads it starts afterwards join: a command joins first, before it starts
/// any.
public enum TargetNamespace {
  /// Joins `pid`'s IPC namespace (unless it is this one already) and returns the context to
  /// work in:
  /// its /dev/shm as a verified handle, or why it was refused (then POSIX shared memory and
  /// semaphores are not touched; everything else still works).
  public static func enter(_ pid: pid_t, proc: String = "/proc") throws(TargetError) -> IPCContext {
    func failure(_ step: (pid_t, Errno) -> TargetError, _ code: Errno) -> TargetError {
      code == .noSuchFileOrDirectory ? .noSuchProcess(pid) : step(pid, code)
    }
    let target: IPCNamespaceID
    switch IPCNamespaceID.of(String(pid), proc: proc) {
    case .success(let id): target = id
    case .failure(let code): throw failure(TargetError.namespaceNotVisible, code)
    }
    if (try? IPCNamespaceID.of("self", proc: proc).get()) != target {
      switch NamespaceCalls.joinIPC(at: "\(proc)/\(pid)/ns/ipc") {
      case .success: break
      case .failure(let error) where error.call == "setns":
        throw failure(TargetError.namespaceNotJoined, error.code)
      case .failure(let error):
        throw failure(TargetError.namespaceNotOpened, error.code)
      }
    }
    return IPCContext(paths: .target(pid, proc: proc))
  }
}
