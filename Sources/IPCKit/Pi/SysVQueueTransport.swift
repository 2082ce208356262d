import Glibc

/// A System V message queue; removed by id when the run ends.
final class SysVQueueTransport: PiTransport {
  private var id: CInt = -1
  let objectsCreated = 1

  /// msgsnd's buffer: a type, then the record.
  private struct Message {
    var type: Int = 1
    var record: PiRecord
  }

  init() throws(PiError) {
    do {
      id = try retryingOnInterrupt("msgget") { msgget(IPC_PRIVATE, IPC_CREAT | 0o600) }
    } catch {
      throw setupFailure(error, "sysv-mq", hint: error.code == ENOSPC ? .limit("kernel.msgmni") : nil)
    }
  }

  func workerStarted(_ worker: Int) {}

  func send(slice: Int, sum: Double) -> Bool {
    var message = Message(record: PiRecord(slice: Int64(slice), sum: sum))
    while msgsnd(id, &message, PiRecord.size, 0) != 0 {
      if errno != EINTR { return false }
    }
    return true
  }

  func workersStarted() {}

  func collect(_ plan: PiPlan, _ workers: PiWorkers) throws(PiError) -> Double {
    var sums = SliceSums(count: plan.slices)
    var message = Message(record: PiRecord(slice: 0, sum: 0))
    while !sums.isComplete {
      if msgrcv(id, &message, PiRecord.size, 0, 0) == PiRecord.size {
        sums.add(message.record)
      } else if errno != EINTR {
        break
      }
      try workers.check()
    }
    guard sums.isComplete else {
      throw .incomplete(mechanism: "sysv-mq", received: sums.received, expected: plan.slices)
    }
    return sums.total
  }

  func remove() {
    if id >= 0 { _ = msgctl(id, IPC_RMID, nil) }
  }

  func leftovers() -> Int {
    var info = msqid_ds()
    return id >= 0 && msgctl(id, IPC_STAT, &info) == 0 ? 1 : 0
  }
}
