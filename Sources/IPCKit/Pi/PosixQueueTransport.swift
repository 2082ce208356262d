import CIPCShims
import Glibc

/// A POSIX message queue, sized within fs.mqueue.msg_max. Its name is unlinked as soon as
/// every worker holds it open, so even a killed parent leaves no name behind for long.
final class PosixQueueTransport: PiTransport {
  private let name = piObjectName("mq")
  private var queue: mqd_t = -1
  private var named = false
  let objectsCreated = 1
  let outlivesProcesses = true

  init(slices: Int, paths: IPCPaths) throws(PiError) {
    let limit = Int(paths.kernelSetting("fs/mqueue/msg_max") ?? 10)
    do {
      queue = try PosixMessageQueue.createOpen(
        name, maxMessages: max(1, min(slices, limit)), messageSize: PiRecord.size,
        permissions: [.ownerRead, .ownerWrite])
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
      (try? PosixMessageQueue.send(queue, bytes).get()) != nil
    }
  }

  func workersStarted() { unlinkName() }

  func collect(_ plan: PiPlan, _ workers: PiWorkers) throws(PiError) -> Double {
    var sums = SliceSums(count: plan.slices)
    var record = PiRecord(slice: 0, sum: 0)
    while !sums.isComplete {
      switch withUnsafeMutableBytes(of: &record, { PosixMessageQueue.receive(queue, into: $0) }) {
      case .success(PiRecord.size): sums.add(record)
      case .success, .failure(.interrupted): break
      case .failure:
        throw .incomplete(mechanism: "posix-mq", received: sums.received, expected: plan.slices)
      }
      try workers.check()
    }
    return sums.total
  }

  private func unlinkName() {
    if named { _ = PosixMessageQueue.unlinking(name) }
    named = false
  }

  func remove() {
    unlinkName()
    if queue >= 0 { PosixMessageQueue.close(queue) }
    queue = -1
  }

  func leftovers() -> Int { PosixMessageQueue.exists(name) ? 1 : 0 }
}
