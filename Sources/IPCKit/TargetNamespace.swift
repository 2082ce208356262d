import CIPCShims
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
    let theirs = "\(proc)/\(pid)/ns/ipc"
    var target = stat()
    var mine = stat()
    guard stat(theirs, &target) == 0 else {
      throw failure(TargetError.namespaceNotVisible, .current)
    }
    if stat("\(proc)/self/ns/ipc", &mine) != 0 || mine.st_ino != target.st_ino || mine.st_dev != target.st_dev {
      let fd = open(theirs, O_RDONLY | O_CLOEXEC)
      guard fd >= 0 else { throw failure(TargetError.namespaceNotOpened, .current) }
      defer { close(fd) }
      guard ipcshim_join_ipc_namespace(fd) == 0 else {
        throw failure(TargetError.namespaceNotJoined, .current)
      }
    }
    return IPCContext(paths: .target(pid, proc: proc))
  }
}
