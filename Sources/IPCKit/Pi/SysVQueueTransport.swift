import Glibc

/// A System V message queue; removed by id when the run ends.
final class SysVQueueTransport: PiTransport {
  private var id: CInt = -1
  /// The id stays known after removal, so `leftovers` can ask the kernel about it.
  private var removed = false
  let objectsCreated = 1
  let outlivesProcesses = true

  /// msgsnd's buffer: a type, then the record.
  private struct Message {
    var type: Int = 1
    var record: PiRecord
  }

  init(paths: IPCPaths) throws(PiError) {
    do {
      id = try PiRunKeys.creating { key throws(IPCError) in
        try SysVMessageQueue.create(key: key, permissions: [.ownerRead, .ownerWrite], paths: paths)
      }
      PiRunKeys.markQueue(id)
    } catch {
      throw .setup(error.asPiSetup)
    }
  }

  func workerStarted(_ worker: Int) {}

  func send(slice: Int, sum: Double) -> Bool {
    var message = Message(record: PiRecord(slice: Int64(slice), sum: sum))
    return (try? SysVMessageQueue.send(id, &message, size: PiRecord.size).get()) != nil
  }

  func workersStarted() {}

  func collect(_ plan: PiPlan, _ workers: PiWorkers) throws(PiError) -> Double {
    var sums = SliceSums(count: plan.slices)
    var message = Message(record: PiRecord(slice: 0, sum: 0))
    while !sums.isComplete {
      switch SysVMessageQueue.receive(id, into: &message, size: PiRecord.size) {
      case .success(PiRecord.size): sums.add(message.record)
      case .success, .failure(.interrupted): break
      case .failure: throw .incomplete(mechanism: "sysv-mq", received: sums.received, expected: plan.slices)
      }
      try workers.check()
    }
    return sums.total
  }

  func remove() {
    guard id >= 0, !removed else { return }
    _ = SysVMessageQueue.removal(id)
    removed = true
  }

  func leftovers() -> Int {
    guard id >= 0 else { return 0 }
    return (try? SysVMessageQueue.status(id)) != nil ? 1 : 0
  }
}
