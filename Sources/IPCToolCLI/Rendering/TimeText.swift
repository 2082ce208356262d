import Glibc

/// How `list` shows times (--time-format): `standard` "2026-11-28 16:31:05" in local time, as
/// ipcs -t shows them; lsipc's `short` (the time today, else the date), `full` and `iso`;
/// `relative` ("5m ago"); `unix` seconds.
enum TimeFormat: String, CaseIterable, Sendable {
  case standard, short, full, iso, relative, unix

  var summary: String {
    switch self {
    case .standard: "2026-11-28 16:31:05 (the default)"
    case .short: "16:31 today, else Nov 28"
    case .full: "Sat Nov 28 16:31:05 2026"
    case .iso: "2026-11-28T16:31:05+0100"
    case .relative: "5m ago"
    case .unix: "seconds since 1970"
    }
  }
}

/// A time as `format` shows it; "-" for never.
func timeText(_ seconds: Int?, _ format: TimeFormat = .standard, now: Int = time(nil)) -> String {
  guard let seconds else { return "-" }
  switch format {
  case .unix: return String(seconds)
  case .relative: return idleText(now - seconds) + " ago"
  case .standard: return formatted(seconds, "%Y-%m-%d %H:%M:%S")
  case .full: return formatted(seconds, "%a %b %e %H:%M:%S %Y")
  case .iso: return formatted(seconds, "%Y-%m-%dT%H:%M:%S%z")
  case .short:
    let today = formatted(now, "%Y-%m-%d") == formatted(seconds, "%Y-%m-%d")
    return formatted(seconds, today ? "%H:%M" : "%b %d")
  }
}

/// strftime in local time.
private func formatted(_ seconds: Int, _ pattern: String) -> String {
  var time = time_t(seconds)
  var parts = tm()
  guard localtime_r(&time, &parts) != nil else { return String(seconds) }
  return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
    let count = strftime(buffer.baseAddress!, buffer.count, pattern, &parts)
    return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress!, count: count), as: UTF8.self)
  }
}

/// timeText that remembers its last answer: objects made together share their second, and a
/// listing formats tens of thousands of times. One per thread.
final class TimeTexts {
  let format: TimeFormat
  private let now = time(nil)
  private var last: (seconds: Int?, text: String) = (nil, "-")

  init(format: TimeFormat = .standard) {
    self.format = format
  }

  func text(_ seconds: Int?) -> String {
    if seconds != last.seconds { last = (seconds, timeText(seconds, format, now: now)) }
    return last.text
  }
}
