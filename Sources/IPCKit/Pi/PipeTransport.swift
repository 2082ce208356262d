import Glibc

/// One pipe shared by all workers: each 16-byte record is written atomically (below PIPE_BUF).
final class PipeTransport: PiTransport {
  private var readEnd: CInt
  private var writeEnd: CInt
  let objectsCreated = 1

  init() throws(PiError) {
    var ends: [CInt] = [-1, -1]
    guard pipe(&ends) == 0 else {
      throw setupFailure(SystemError(call: "pipe", code: errno), "pipe")
    }
    for fd in ends { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    readEnd = ends[0]
    writeEnd = ends[1]
  }

  func workerStarted(_ worker: Int) { close(readEnd) }

  func send(slice: Int, sum: Double) -> Bool {
    var record = PiRecord(slice: Int64(slice), sum: sum)
    return writeRecord(writeEnd, &record)
  }

  func workersStarted() {
    close(writeEnd)
    writeEnd = -1
  }

  func collect(_ plan: PiPlan, _ workers: PiWorkers) throws(PiError) -> Double {
    var sums = SliceSums(count: plan.slices)
    try readRecords(from: [readEnd], into: &sums, workers)
    guard sums.isComplete else {
      try workers.waitAll()
      throw .incomplete(mechanism: "pipe", received: sums.received, expected: plan.slices)
    }
    return sums.total
  }

  func remove() {
    for fd in [readEnd, writeEnd] where fd >= 0 { close(fd) }
    readEnd = -1
    writeEnd = -1
  }

  func leftovers() -> Int { 0 }  // a pipe has no name; open descriptors are checked apart
}

/// Writes one record whole, retrying on EINTR. Runs in a worker: no allocation.
func writeRecord(_ fd: CInt, _ record: inout PiRecord) -> Bool {
  withUnsafeBytes(of: &record) { bytes in
    var offset = 0
    while offset < bytes.count {
      let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
      if written < 0 {
        if errno == EINTR { continue }
        return false
      }
      offset += written
    }
    return true
  }
}

/// Reads records from stream descriptors until every slice arrived or all of them closed,
/// checking the workers whenever the parent's timer interrupts the wait.
func readRecords(from fds: [CInt], into sums: inout SliceSums, _ workers: PiWorkers)
  throws(PiError)
{
  var polls = fds.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
  var pending = fds.map { _ in [UInt8]() }
  var open = fds.count
  var buffer = [UInt8](repeating: 0, count: 64 * PiRecord.size)
  while !sums.isComplete && open > 0 {
    if poll(&polls, nfds_t(polls.count), -1) < 0 {
      guard errno == EINTR else { break }
      try workers.check()
      continue
    }
    for index in polls.indices where polls[index].revents != 0 {
      let count = buffer.withUnsafeMutableBytes { read(polls[index].fd, $0.baseAddress, $0.count) }
      if count < 0 && errno == EINTR { continue }
      if count <= 0 {
        polls[index].fd = -1  // closed: every worker holding it has ended
        open -= 1
        continue
      }
      pending[index] += buffer[0..<count]
      let whole = pending[index].count / PiRecord.size * PiRecord.size
      pending[index].withUnsafeBytes { bytes in
        for offset in stride(from: 0, to: whole, by: PiRecord.size) {
          sums.add(bytes.loadUnaligned(fromByteOffset: offset, as: PiRecord.self))
        }
      }
      pending[index].removeFirst(whole)
    }
    try workers.check()
  }
}
