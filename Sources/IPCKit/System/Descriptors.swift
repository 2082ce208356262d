import CIPCShims
import Glibc

/// The descriptor calls pi's pipe and socketpair transports make, each wrapped once.
public enum Descriptors {
  /// A pipe, both ends close-on-exec from the start (no fork in between can leak them):
  /// (read, write).
  ///
  /// The corresponding C call is `pipe2(2)` with O_CLOEXEC (in CIPCShims: Glibc's module
  /// leaves out pipe2).
  static func pipe() throws(SystemError) -> (read: CInt, write: CInt) {
    var ends: [CInt] = [-1, -1]
    try retryingOnInterrupt("pipe2") { ipcshim_pipe_cloexec(&ends) }
    return (ends[0], ends[1])
  }

  /// A connected pair of Unix stream sockets, close-on-exec.
  ///
  /// The corresponding C call is `socketpair(2)`.
  static func socketPair() throws(SystemError) -> (CInt, CInt) {
    var ends: [CInt] = [-1, -1]
    try retryingOnInterrupt("socketpair") {
      socketpair(AF_UNIX, CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0, &ends)
    }
    return (ends[0], ends[1])
  }

  /// Writes all of `bytes`, resuming after interruptions and short writes. Non-throwing and
  /// allocation-free: it runs in forked workers. EBADF is an answer here: a user may close the
  /// command's stdout (`>&-`).
  ///
  /// The corresponding C call is `write(2)`.
  public static func writeAll(_ fd: CInt, _ bytes: UnsafeRawBufferPointer) -> Result<Void, Errno> {
    var offset = 0
    while offset < bytes.count {
      let written = valueOrErrno(badDescriptorIsAnAnswer: true) {
        write(fd, bytes.baseAddress! + offset, bytes.count - offset)
      }
      switch written {
      case .success(let written): offset += written
      case .failure(let code): return .failure(code)
      }
    }
    return .success(())
  }

  /// Reads what is there, up to the buffer's size; 0 at end of file. EINTR is returned, not
  /// retried: the caller has work to do then.
  ///
  /// The corresponding C call is `read(2)`.
  static func read(_ fd: CInt, into buffer: UnsafeMutableRawBufferPointer) -> Result<Int, Errno> {
    let count = Glibc.read(fd, buffer.baseAddress, buffer.count)
    return count >= 0 ? .success(count) : .failure(.current)
  }

  /// Never retried: the descriptor is gone after the first call, whatever it returns.
  ///
  /// The corresponding C call is `close(2)`.
  static func close(_ fd: CInt) {
    _ = Glibc.close(fd)
  }

  /// Sends what fits of `bytes` on a socket; a peer gone is EPIPE, never SIGPIPE.
  ///
  /// The corresponding C call is `send(2)` with MSG_NOSIGNAL.
  static func send(_ fd: CInt, _ bytes: UnsafeRawBufferPointer) -> Result<Int, Errno> {
    valueOrErrno { Glibc.send(fd, bytes.baseAddress, bytes.count, CInt(MSG_NOSIGNAL)) }
  }

  /// Waits for what a socket receives, up to the buffer's size; 0 when the peer closed it.
  /// Non-throwing: pi's reaper runs it after fork.
  ///
  /// The corresponding C call is `recv(2)`.
  static func receive(_ fd: CInt, into buffer: UnsafeMutableRawBufferPointer)
    -> Result<Int, Errno>
  {
    valueOrErrno { Glibc.recv(fd, buffer.baseAddress, buffer.count, 0) }
  }

  /// Waits until one of the descriptors is ready; returns how many are. EINTR is returned,
  /// not retried: the caller has work to do then.
  ///
  /// The corresponding C call is `poll(2)`.
  static func poll(_ descriptors: inout [pollfd]) -> Result<Int, Errno> {
    let ready = Glibc.poll(&descriptors, nfds_t(descriptors.count), -1)
    return ready >= 0 ? .success(Int(ready)) : .failure(.current)
  }
}

/// Starting and waiting for children, each call wrapped once.
enum Children {
  /// A copy of this process: the child's pid in the parent, 0 in the child.
  ///
  /// The corresponding C call is `fork(2)`.
  static func fork() -> Result<pid_t, Errno> {
    valueOrErrno { Glibc.fork() }
  }

  /// What a forked worker does first: die with its parent, and its own stop-signal state.
  ///
  /// The corresponding C calls are `prctl(2)` and `sigaction(2)` (in CIPCShims).
  static func afterFork(parent: pid_t) { ipcshim_worker_after_fork(parent) }

  /// How a child ended, from the status waitpid gave.
  ///
  /// The corresponding C macros are `WIFSIGNALED`, `WTERMSIG` and `WEXITSTATUS`.
  static func exit(fromStatus status: CInt) -> ChildExit {
    ipcshim_wifsignaled(status) != 0
      ? .signaled(ipcshim_wtermsig(status)) : .exited(ipcshim_wexitstatus(status))
  }

  /// Reaps `pid` (or any child, -1), retrying interruptions; nil if there is none to wait for
  /// (ECHILD), or with `noHang` none has ended yet.
  ///
  /// The corresponding C call is `waitpid(2)`.
  static func wait(_ pid: pid_t, noHang: Bool = false) -> (pid: pid_t, status: CInt)? {
    var status: CInt = 0
    guard case .success(let reaped) = valueOrErrno({ waitpid(pid, &status, noHang ? WNOHANG : 0) }),
      reaped > 0
    else { return nil }
    return (reaped, status)
  }

  /// Whether this process has any child left, ended or not (waitpid fails with ECHILD when
  /// it has none).
  static var haveAny: Bool {
    var status: CInt = 0
    return waitpid(-1, &status, WNOHANG) != -1 || Errno.current != .noChildProcess
  }

  /// Like `wait`, but returns on EINTR so the caller can look at what interrupted it.
  static func waitInterruptibly(_ pid: pid_t) -> Result<(pid: pid_t, status: CInt), Errno> {
    var status: CInt = 0
    let reaped = waitpid(pid, &status, 0)
    return reaped > 0 ? .success((reaped, status)) : .failure(.current)
  }
}
