import CIPCShims
import Glibc

/// A POSIX message queue, sized within fs.mqueue.msg_max. Its name is unlinked as soon as
/// every worker holds it open, so even a killed parent leaves no name behind for long.
final class PosixQueueTransport: PiTransport {
  private let name = piObjectName("mq")
  private var queue: mqd_t = -1
  private var named = false
  let objectsCreated = 1

  init(slices: Int, paths: IPCPaths) throws(PiError) {
    var attributes = mq_attr()
    let limit = Int(paths.kernelSetting("fs/mqueue/msg_max") ?? 10)
    attributes.mq_maxmsg = max(1, min(slices, limit))
    attributes.mq_msgsize = PiRecord.size
    let name = self.name
    do {
      queue = try retryingOnInterrupt("mq_open", name) {
        ipcshim_mq_open(name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0o600, &attributes)
      }
    } catch {
      throw setupFailure(error, "posix-mq:\(name)",
        hint: PosixMessageQueue.limitHint(for: error.code, paths: paths))
    }
    named = true
  }

  func workerStarted(_ worker: Int) {}

  func send(slice: Int, sum: Double) -> Bool {
    var record = PiRecord(slice: Int64(slice), sum: sum)
    return withUnsafeBytes(of: &record) { bytes in
      let base = bytes.baseAddress!.assumingMemoryBound(to: CChar.self)
      while ipcshim_mq_send(queue, base, bytes.count, 0) != 0 {
        if errno != EINTR { return false }
      }
      return true
    }
  }

  func workersStarted() { unlinkName() }

  func collect(_ plan: PiPlan, _ workers: PiWorkers) throws(PiError) -> Double {
    var sums = SliceSums(count: plan.slices)
    var record = PiRecord(slice: 0, sum: 0)
    while !sums.isComplete {
      let count = withUnsafeMutableBytes(of: &record) { bytes in
        ipcshim_mq_receive(queue, bytes.baseAddress!.assumingMemoryBound(to: CChar.self), bytes.count)
      }
      if count == PiRecord.size { sums.add(record) } else if errno != EINTR { break }
      try workers.check()
    }
    guard sums.isComplete else {
      throw .incomplete(mechanism: "posix-mq", received: sums.received, expected: plan.slices)
    }
    return sums.total
  }

  private func unlinkName() {
    if named { _ = ipcshim_mq_unlink(name) }
    named = false
  }

  func remove() {
    unlinkName()
    if queue >= 0 { _ = ipcshim_mq_close(queue) }
    queue = -1
  }

  func leftovers() -> Int {
    let probe = ipcshim_mq_open(name, O_RDONLY, 0, nil)
    guard probe >= 0 else { return errno == ENOENT ? 0 : 1 }
    _ = ipcshim_mq_close(probe)
    return 1
  }
}
