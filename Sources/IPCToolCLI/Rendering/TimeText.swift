import Glibc

/// "2026-11-28 16:31:05" in local time, as ipcs -t shows times; "-" for never.
func timeText(_ seconds: Int?) -> String {
  guard let seconds else { return "-" }
  var time = time_t(seconds)
  var parts = tm()
  guard localtime_r(&time, &parts) != nil else { return String(seconds) }
  return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 32) { buffer in
    let count = strftime(buffer.baseAddress!, buffer.count, "%Y-%m-%d %H:%M:%S", &parts)
    return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress!, count: count), as: UTF8.self)
  }
}

/// timeText that remembers its last answer: objects made together share their second, and a
/// listing formats tens of thousands of times. One per thread.
final class TimeTexts {
  private var last: (seconds: Int?, text: String) = (nil, "-")

  func text(_ seconds: Int?) -> String {
    if seconds != last.seconds { last = (seconds, timeText(seconds)) }
    return last.text
  }
}
