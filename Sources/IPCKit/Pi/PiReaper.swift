import CIPCShims
import Glibc

/// A child that outlives a killed parent just long enough to remove the run's objects.
///
/// It waits on a pipe. The parent writes one byte when it has cleaned up itself; if instead the
/// pipe closes without that byte, the parent died (SIGKILL cannot be caught) and the reaper
/// removes what the run made: System V queues and semaphore sets have no name to find them by
/// later. It ignores SIGINT, so a Ctrl-C that kills both still leaves nothing.
final class PiReaper {
  private let pid: pid_t
  private var writeEnd: CInt

  init?(removing transport: any PiTransport) {
    var ends: [CInt] = [-1, -1]
    guard pipe(&ends) == 0 else { return nil }
    let child = fork()
    if child == 0 {
      signal(SIGINT, SIG_IGN)
      signal(SIGTERM, SIG_IGN)
      close(ends[1])
      var byte: UInt8 = 0
      var count: Int
      repeat { count = read(ends[0], &byte, 1) } while count < 0 && errno == EINTR
      if count == 0 { transport.remove() }  // closed without a word: the parent died
      _exit(0)
    }
    close(ends[0])
    guard child > 0 else {
      close(ends[1])
      return nil
    }
    _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
    pid = child
    writeEnd = ends[1]
  }

  /// Tells the reaper the parent cleaned up, and reaps it.
  func dismiss() {
    guard writeEnd >= 0 else { return }
    var byte: UInt8 = 1
    _ = write(writeEnd, &byte, 1)
    close(writeEnd)
    writeEnd = -1
    var status: CInt = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
  }
}
