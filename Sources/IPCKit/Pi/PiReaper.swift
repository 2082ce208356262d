import Glibc

/// A child that outlives a killed parent just long enough to remove the run's objects.
///
/// It waits on a socket. The parent sends one byte when it has cleaned up itself; if instead the
/// socket closes without that byte, the parent died (SIGKILL cannot be caught) and the reaper
/// removes what the run made. It ignores every stop signal, so a signal to the whole process
/// group (Ctrl-C, a closed terminal) leaves it to do its job. A socket, not a pipe: telling a
/// reaper that was killed meanwhile is an EPIPE (MSG_NOSIGNAL), not a SIGPIPE for the parent.
final class PiReaper {
  let pid: pid_t
  private var parentEnd: CInt

  init?(removing transport: any PiTransport) {
    guard let (parentEnd, reaperEnd) = try? Descriptors.socketPair() else { return nil }
    let child = (try? Children.fork().get()) ?? -1
    if child == 0 {
      Signals.ignoreStopSignals()
      Descriptors.close(parentEnd)
      var byte: UInt8 = 0
      let read = withUnsafeMutableBytes(of: &byte) { Descriptors.receive(reaperEnd, into: $0) }
      if case .success(0) = read { transport.remove() }  // closed without a word: the parent died
      _exit(0)
    }
    Descriptors.close(reaperEnd)
    guard child > 0 else {
      Descriptors.close(parentEnd)
      return nil
    }
    pid = child
    self.parentEnd = parentEnd
  }

  /// Tells the reaper the parent cleaned up, and reaps it. Returns how it ended if it had died
  /// before being told (killed by someone), nil if all went as planned or it was dismissed
  /// already.
  @discardableResult
  func dismiss() -> ChildExit? {
    guard parentEnd >= 0 else { return nil }
    var byte: UInt8 = 1
    let told = withUnsafeBytes(of: &byte) { Descriptors.send(parentEnd, $0) } == .success(1)
    Descriptors.close(parentEnd)
    parentEnd = -1
    guard let (_, status) = Children.wait(pid) else { return told ? nil : .signaled(0) }
    let exit = Children.exit(fromStatus: status)
    return told && exit.isSuccess ? nil : exit
  }
}
