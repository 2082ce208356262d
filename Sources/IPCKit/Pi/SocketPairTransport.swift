import Glibc

/// A Unix stream socketpair per worker; the parent polls all of them.
final class SocketPairTransport: PiTransport {
  private var parentEnds: [CInt] = []
  private var workerEnds: [CInt] = []
  private var myEnd: CInt = -1
  let objectsCreated: Int
  let outlivesProcesses = false

  init(workers: Int) throws(PiError) {
    objectsCreated = workers
    for _ in 0..<workers {
      do {
        let (parent, worker) = try Descriptors.socketPair()
        parentEnds.append(parent)
        workerEnds.append(worker)
      } catch {
        remove()
        throw setupFailure(error, "socketpair",
          hint: error.code == .tooManyOpenFiles ? IPCError.Hint.tooManyDescriptors : nil)
      }
    }
  }

  func workerStarted(_ worker: Int) {
    for fd in parentEnds { Descriptors.close(fd) }
    for (index, fd) in workerEnds.enumerated() where index != worker { Descriptors.close(fd) }
    myEnd = workerEnds[worker]
  }

  func send(slice: Int, sum: Double) -> Bool {
    var record = PiRecord(slice: Int64(slice), sum: sum)
    return writeRecord(myEnd, &record)
  }

  func workersStarted() {
    for fd in workerEnds { Descriptors.close(fd) }
    workerEnds = []
  }

  func collect(_ plan: PiPlan, _ workers: PiWorkers) throws(PiError) -> Double {
    var sums = SliceSums(count: plan.slices)
    try readRecords(from: parentEnds, into: &sums, workers)
    guard sums.isComplete else {
      try workers.waitAll()
      throw .incomplete(mechanism: "socketpair", received: sums.received, expected: plan.slices)
    }
    return sums.total
  }

  func remove() {
    for fd in parentEnds + workerEnds { Descriptors.close(fd) }
    parentEnds = []
    workerEnds = []
  }

  func leftovers() -> Int { 0 }
}
