import CNamespaces
import Foundation

/// Which IPC namespace a test thread works in.
public enum IPCNamespace: Sendable {
  /// A new, empty one of the thread's own: nothing made there can touch the machine's objects.
  case fresh
  /// The one a process (a test's sandbox holder) is in.
  case of(pid_t)
}

/// Runs `body` on a thread of its own that first enters `namespace`, and returns its result.
///
/// setns and unshare change only the calling thread, and the thread ends with `body`, so the
/// test runner's own threads never leave the namespace they started in.
public func onThread<T>(in namespace: IPCNamespace, _ body: @escaping () throws -> T) throws -> T {
  let box = ThreadResult<T>(body)
  let done = DispatchSemaphore(value: 0)
  let thread = Thread {
    defer { done.signal() }
    switch namespace {
    case .fresh:
      guard testshim_unshare_ipc_namespace() == 0 else {
        box.result = .failure(TestSetupError("unshare(CLONE_NEWIPC): errno \(errno)"))
        return
      }
    case .of(let pid):
      let fd = open("/proc/\(pid)/ns/ipc", O_RDONLY)
      defer { if fd >= 0 { close(fd) } }
      guard fd >= 0, testshim_join_ipc_namespace(fd) == 0 else {
        box.result = .failure(TestSetupError("setns into pid \(pid)'s IPC namespace: errno \(errno)"))
        return
      }
    }
    box.result = Result { try box.body() }
  }
  thread.start()
  done.wait()
  return try box.result!.get()
}

/// Carries the work to the thread and its result back; the caller waits, so there is no race.
private final class ThreadResult<T>: @unchecked Sendable {
  let body: () throws -> T
  var result: Result<T, Error>?
  init(_ body: @escaping () throws -> T) { self.body = body }
}
