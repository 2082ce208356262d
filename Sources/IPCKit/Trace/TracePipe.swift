import Glibc

/// One tracefs instance's `trace_pipe`, read without blocking into parsed lines that wait,
/// in the kernel's order, until the session hands them on.
final class TracePipe {
  let descriptor: FileDescriptor
  /// The bytes of a line not complete yet.
  private var partial: [UInt8] = []
  /// Lines read and not handed on, oldest first from `next`.
  private var lines: [TraceLine] = []
  private var next = 0

  init(_ instance: TraceInstance) throws(SystemError) {
    descriptor = try FileDescriptor.open(instance.folder + "/trace_pipe", O_RDONLY | O_NONBLOCK)
  }

  /// The oldest line not handed on.
  var first: TraceLine? { next < lines.count ? lines[next] : nil }

  var isEmpty: Bool { next >= lines.count }

  /// Hands on the oldest line.
  func removeFirst() -> TraceLine {
    defer {
      next += 1
      if next == lines.count {
        lines.removeAll(keepingCapacity: true)
        next = 0
      }
    }
    return lines[next]
  }

  /// Reads what the pipe holds now, up to about `limit` bytes; true when it was emptied, false
  /// when it holds more (the caller then treats the last line read as where its knowledge ends).
  func drain(_ buffer: UnsafeMutableRawBufferPointer, limit: Int) throws(SystemError) -> Bool {
    var total = 0
    while total < limit {
      let count = try PollCall.readAvailable(descriptor.raw, into: buffer)
      if count == 0 { return true }
      total += count
      partial += UnsafeRawBufferPointer(rebasing: buffer[0..<count])
      var start = partial.startIndex
      while let newline = partial[start...].firstIndex(of: 0x0A) {
        // Lines that are no event (a "[LOST n EVENTS]" of an overwriting buffer, which this
        // one is not) are skipped: the buffers' statistics count every loss.
        if let line = TraceLine(partial[start..<newline]) { lines.append(line) }
        start = newline + 1
      }
      partial.removeSubrange(..<start)
    }
    return false
  }

  /// The time of the newest line read, for a pipe not emptied.
  var newest: Int64? { lines.last?.nanoseconds }
}
