import Glibc

/// "2026-11-28 16:31:05" in local time, as ipcs -t shows times; "-" for never.
func timeText(_ seconds: Int?) -> String {
  guard let seconds else { return "-" }
  var time = time_t(seconds)
  var parts = tm()
  guard localtime_r(&time, &parts) != nil else { return String(seconds) }
  var buffer = [CChar](repeating: 0, count: 32)
  let count = strftime(&buffer, buffer.count, "%Y-%m-%d %H:%M:%S", &parts)
  return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
