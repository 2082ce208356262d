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
    guard let (readEnd, writeEnd) = try? Descriptors.pipe() else { return nil }
    let child = fork()
    if child == 0 {
      signal(SIGINT, SIG_IGN)
      signal(SIGTERM, SIG_IGN)
      Descriptors.close(writeEnd)
      var byte: UInt8 = 0
      let read = valueOrErrno { Glibc.read(readEnd, &byte, 1) }
      if case .success(0) = read { transport.remove() }  // closed without a word: the parent died
      _exit(0)
    }
    Descriptors.close(readEnd)
    guard child > 0 else {
      Descriptors.close(writeEnd)
      return nil
    }
    pid = child
    self.writeEnd = writeEnd
  }

  /// Tells the reaper the parent cleaned up, and reaps it.
  func dismiss() {
    guard writeEnd >= 0 else { return }
    var byte: UInt8 = 1
    _ = withUnsafeBytes(of: &byte) { Descriptors.writeAll(writeEnd, $0) }
    Descriptors.close(writeEnd)
    writeEnd = -1
    _ = Children.wait(pid)
  }
}
