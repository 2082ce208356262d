import Glibc

/// One pipe shared by all workers: each 16-byte record is written atomically (below PIPE_BUF).
final class PipeTransport: PiTransport {
  private var readEnd: CInt
  private var writeEnd: CInt
  let objectsCreated = 1
  let outlivesProcesses = false

  init() throws(PiError) {
    do {
      (readEnd, writeEnd) = try Descriptors.pipe()
    } catch {
      throw setupFailure(error, "pipe")
    }
  }

  func workerStarted(_ worker: Int) { Descriptors.close(readEnd) }

  func send(slice: Int, sum: Double) -> Bool {
    var record = PiRecord(slice: Int64(slice), sum: sum)
    return writeRecord(writeEnd, &record)
  }

  func workersStarted() {
    Descriptors.close(writeEnd)
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
    for fd in [readEnd, writeEnd] where fd >= 0 { Descriptors.close(fd) }
    readEnd = -1
    writeEnd = -1
  }

  func leftovers() -> Int { 0 }  // a pipe has no name; open descriptors are checked apart
}

/// Writes one record whole. Runs in a worker: no allocation.
func writeRecord(_ fd: CInt, _ record: inout PiRecord) -> Bool {
  withUnsafeBytes(of: &record) { (try? Descriptors.writeAll(fd, $0).get()) != nil }
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
    // Interrupted by the parent's timer: look at the workers, then wait again.
    if case .failure(let code) = Descriptors.poll(&polls) {
      guard code == .interrupted else { break }
      try workers.check()
      continue
    }
    for index in polls.indices where polls[index].revents != 0 {
      let read = buffer.withUnsafeMutableBytes { Descriptors.read(polls[index].fd, into: $0) }
      if case .failure(.interrupted) = read { continue }
      guard case .success(let count) = read, count > 0 else {
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
