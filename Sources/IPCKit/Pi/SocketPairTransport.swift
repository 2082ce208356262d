import Glibc

/// A Unix stream socketpair per worker; the parent polls all of them.
final class SocketPairTransport: PiTransport {
  private var parentEnds: [CInt] = []
  private var workerEnds: [CInt] = []
  private var myEnd: CInt = -1
  let objectsCreated: Int

  init(workers: Int) throws(PiError) {
    objectsCreated = workers
    for _ in 0..<workers {
      var ends: [CInt] = [-1, -1]
      guard socketpair(AF_UNIX, CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0, &ends) == 0
      else {
        let code = errno
        remove()
        throw setupFailure(SystemError(call: "socketpair", code: code), "socketpair",
          hint: code == EMFILE ? IPCError.Hint("too many open descriptors (ulimit -n)") : nil)
      }
      parentEnds.append(ends[0])
      workerEnds.append(ends[1])
    }
  }

  func workerStarted(_ worker: Int) {
    for fd in parentEnds { close(fd) }
    for (index, fd) in workerEnds.enumerated() where index != worker { close(fd) }
    myEnd = workerEnds[worker]
  }

  func send(slice: Int, sum: Double) -> Bool {
    var record = PiRecord(slice: Int64(slice), sum: sum)
    return writeRecord(myEnd, &record)
  }

  func workersStarted() {
    for fd in workerEnds { close(fd) }
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
    for fd in parentEnds + workerEnds { close(fd) }
    parentEnds = []
    workerEnds = []
  }

  func leftovers() -> Int { 0 }
}
