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
  public static func enter(_ pid: pid_t, proc: String = "/proc") throws(IPCError) -> IPCContext {
    func failure(_ what: String, _ code: Errno, hint: String? = nil) -> IPCError {
      let gone = code == .noSuchFileOrDirectory
      var error = IPCError(
        operation: "--target", subject: String(pid), reason: gone ? "no such process" : "\(what): \(code)",
        code: code)
      error.hint = gone ? nil : hint.map { IPCError.Hint($0) }
      return error
    }
    let target: IPCNamespaceID
    switch IPCNamespaceID.of(String(pid), proc: proc) {
    case .success(let id): target = id
    case .failure(let code):
      throw failure(
        "cannot see its IPC namespace", code, hint: "ptrace access to the process is needed")
    }
    if (try? IPCNamespaceID.of("self", proc: proc).get()) != target {
      switch NamespaceCalls.joinIPC(at: "\(proc)/\(pid)/ns/ipc") {
      case .success: break
      case .failure(let error) where error.call == "setns":
        throw failure("cannot join its IPC namespace", error.code, hint: "CAP_SYS_ADMIN is needed")
      case .failure(let error):
        throw failure("cannot open its IPC namespace", error.code)
      }
    }
    return IPCContext(paths: .target(pid, proc: proc))
  }
}
