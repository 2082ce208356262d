import Glibc

/// One line of a tracefs `trace_pipe`, split into what the kernel wrote.
///
/// `  python3-4242    [001] ..... 18063.918683: sys_shmget(key: 0x1234, size: 0x1000, shmflg: 0x380)`
///
/// The command name before the pid is the only text a traced process chooses (15 bytes, which
/// may hold spaces, brackets or a newline): the line is read from its right end, where everything
/// is the kernel's (numbers, event names; names of objects are fetched as hex), so no command
/// name can change what a line says.
struct TraceLine: Equatable {
  enum Body: Equatable {
    /// `sys_shmget(key: 0x1234, ...)`: a system call entered, with its arguments.
    case enter(call: String, arguments: [String: UInt64])
    /// `sys_shmget -> 0x2`: a system call returned this value (negative: -errno).
    case exit(call: String, value: Int64)
    /// `shm_open: (0x7f...) n0={0x..,...} fl=0xc2`: a uprobe hit, with its fetched values.
    case probe(event: String, values: [String: [UInt64]])
  }

  var pid: pid_t
  /// The command name the kernel recorded, as bytes ("<...>" when it had none).
  var comm: [UInt8]
  /// The timestamp, in nanoseconds of the trace clock.
  var nanoseconds: Int64
  var body: Body

  init(pid: pid_t, comm: [UInt8], nanoseconds: Int64, body: Body) {
    self.pid = pid
    self.comm = comm
    self.nanoseconds = nanoseconds
    self.body = body
  }

  /// Events lost on a CPU, as `CPU:1 [LOST 42 EVENTS]` tells; nil for any other line.
  static func lostCount(_ line: ArraySlice<UInt8>) -> UInt64? {
    let text = String(decoding: line, as: UTF8.self)
    guard text.hasPrefix("CPU:"), text.hasSuffix(" EVENTS]"), let open = text.firstIndex(of: "[")
    else { return nil }
    let words = text[open...].dropFirst().dropLast().split(separator: " ")
    guard words.count == 3, words[0] == "LOST", words[2] == "EVENTS" else { return nil }
    return UInt64(words[1])
  }

  /// Parses one line (without its newline); nil for what is not an event line.
  init?(_ line: ArraySlice<UInt8>) {
    // The CPU's "]" is the last in the line: bodies use parentheses and braces only.
    guard let close = line.lastIndex(of: UInt8(ascii: "]")),
      let open = line[..<close].lastIndex(of: UInt8(ascii: "["))
    else { return nil }
    // Before "[": "comm-pid" and spaces.
    var head = line[..<open]
    while head.last == UInt8(ascii: " ") { head = head.dropLast() }
    guard let dash = head.lastIndex(of: UInt8(ascii: "-")),
      let pid = pid_t(String(decoding: head[(dash + 1)...], as: UTF8.self))
    else { return nil }
    var comm = Array(head[..<dash])
    while comm.first == UInt8(ascii: " ") { comm.removeFirst() }
    // After "]": " flags seconds.micros: body".
    let tail = String(decoding: line[(close + 1)...], as: UTF8.self)
    let words = tail.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
    guard words.count == 3, words[1].hasSuffix(":") else { return nil }
    let stamp = words[1].dropLast().split(separator: ".")
    guard stamp.count == 2, let seconds = Int64(stamp[0]), let micros = Int64(stamp[1]),
      let body = TraceLine.body(String(words[2]))
    else { return nil }
    self.pid = pid
    self.comm = comm
    self.nanoseconds = seconds * 1_000_000_000 + micros * 1_000
    self.body = body
  }

  static func body(_ text: String) -> Body? {
    if text.hasPrefix("sys_"), let arrow = text.firstRange(of: " -> ") {
      guard let value = number(text[arrow.upperBound...]) else { return nil }
      return .exit(call: String(text[text.index(text.startIndex, offsetBy: 4)..<arrow.lowerBound]),
        value: Int64(bitPattern: value))
    }
    if text.hasPrefix("sys_"), let paren = text.firstIndex(of: "("), text.hasSuffix(")") {
      var arguments: [String: UInt64] = [:]
      for pair in text[text.index(after: paren)..<text.index(before: text.endIndex)].split(separator: ", ") {
        let parts = pair.split(separator: ": ", maxSplits: 1)
        guard parts.count == 2, let value = number(parts[1]) else { continue }
        arguments[String(parts[0])] = value
      }
      return .enter(call: String(text[text.index(text.startIndex, offsetBy: 4)..<paren]), arguments: arguments)
    }
    guard let colon = text.firstRange(of: ": ") else { return nil }
    let event = String(text[..<colon.lowerBound])
    var values: [String: [UInt64]] = [:]
    // "(0x7f...) n0={0x1,0x2} fl=0xc2" or "(0x.. <- 0x..) rv=3": skip the parenthesis.
    let rest = text[colon.upperBound...]
    let fields = rest.firstIndex(of: ")").map { rest[rest.index(after: $0)...] } ?? rest
    for field in fields.split(separator: " ") {
      let parts = field.split(separator: "=", maxSplits: 1)
      guard parts.count == 2 else { continue }
      let raw = parts[1].hasPrefix("{") ? parts[1].dropFirst().dropLast() : parts[1]
      let numbers = raw.split(separator: ",").compactMap { number($0) }
      values[String(parts[0])] = numbers
    }
    return .probe(event: event, values: values)
  }

  /// "0x1f", "31" or "-1" as the bits of a 64-bit number.
  static func number(_ text: Substring) -> UInt64? {
    if text.hasPrefix("0x") { return UInt64(text.dropFirst(2), radix: 16) }
    if text.hasPrefix("-") { return Int64(text).map { UInt64(bitPattern: $0) } }
    return UInt64(text)
  }
}
