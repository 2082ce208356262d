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

  /// Whether the line is a call's return (a system call's exit, a uretprobe's hit).
  var isReturn: Bool {
    switch body {
    case .exit: true
    case .probe(let event, _): event.hasSuffix("_ret")
    case .enter: false
    }
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

  /// Parses one line (without its newline); nil for what is not an event line. Works on the
  /// bytes: a trace at full speed brings tens of thousands of lines a second.
  init?(_ line: ArraySlice<UInt8>) {
    // The CPU's "]" is the last in the line: bodies use parentheses and braces only.
    guard let close = line.lastIndex(of: UInt8(ascii: "]")),
      let open = line[..<close].lastIndex(of: UInt8(ascii: "["))
    else { return nil }
    // Before "[": "comm-pid" and spaces.
    var head = line[..<open]
    while head.last == UInt8(ascii: " ") { head = head.dropLast() }
    guard let dash = head.lastIndex(of: UInt8(ascii: "-")),
      let pid = TraceLine.decimal(head[(dash + 1)...]), pid <= UInt64(Int32.max)
    else { return nil }
    var comm = head[..<dash]
    while comm.first == UInt8(ascii: " ") { comm = comm.dropFirst() }
    // After "]": " flags seconds.micros: body".
    var rest = line[(close + 1)...]
    rest = rest.drop { $0 == UInt8(ascii: " ") }
    rest = rest.drop { $0 != UInt8(ascii: " ") }  // the flags
    rest = rest.drop { $0 == UInt8(ascii: " ") }
    guard let dot = rest.firstIndex(of: UInt8(ascii: ".")),
      let colon = rest[dot...].firstIndex(of: UInt8(ascii: ":")),
      let seconds = TraceLine.decimal(rest[..<dot]), let micros = TraceLine.decimal(rest[(dot + 1)..<colon]),
      colon + 2 <= rest.endIndex, let body = TraceLine.body(rest[(colon + 2)...])
    else { return nil }
    self.pid = pid_t(pid)
    self.comm = Array(comm)
    self.nanoseconds = Int64(seconds) * 1_000_000_000 + Int64(micros) * 1_000
    self.body = body
  }

  static func body(_ text: String) -> Body? { body(Array(text.utf8)[...]) }

  static func body(_ bytes: ArraySlice<UInt8>) -> Body? {
    let sys: [UInt8] = Array("sys_".utf8)
    if bytes.starts(with: sys) {
      let name = bytes.dropFirst(4)
      // "sys_shmget -> 0x2"
      if let space = name.firstIndex(of: UInt8(ascii: " ")),
        bytes[space...].starts(with: Array(" -> ".utf8))
      {
        guard let value = number(bytes[(space + 4)...]) else { return nil }
        return .exit(call: String(decoding: name[..<space], as: UTF8.self), value: Int64(bitPattern: value))
      }
      // "sys_shmget(key: 0x1234, size: 0x1000)"
      guard let paren = name.firstIndex(of: UInt8(ascii: "(")), bytes.last == UInt8(ascii: ")") else {
        return nil
      }
      var arguments: [String: UInt64] = [:]
      var index = paren + 1
      let end = bytes.endIndex - 1
      while index < end {
        guard let colon = bytes[index..<end].firstIndex(of: UInt8(ascii: ":")) else { break }
        let valueEnd = bytes[colon..<end].firstIndex(of: UInt8(ascii: ",")) ?? end
        if colon + 2 <= valueEnd, let value = number(bytes[(colon + 2)..<valueEnd]) {
          arguments[String(decoding: bytes[index..<colon], as: UTF8.self)] = value
        }
        index = valueEnd + 2  // ", "
      }
      return .enter(call: String(decoding: name[..<paren], as: UTF8.self), arguments: arguments)
    }
    // "shm_open: (0x7f...) n0={0x1,0x2} fl=0xc2" or "shm_open_ret: (0x.. <- 0x..) rv=3"
    guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), colon + 1 < bytes.endIndex,
      bytes[colon + 1] == UInt8(ascii: " ")
    else { return nil }
    let event = String(decoding: bytes[..<colon], as: UTF8.self)
    var fields = bytes[(colon + 2)...]
    if fields.first == UInt8(ascii: "("), let closing = fields.firstIndex(of: UInt8(ascii: ")")) {
      fields = fields[(closing + 1)...]
    }
    var values: [String: [UInt64]] = [:]
    for field in fields.split(separator: UInt8(ascii: " ")) {
      guard let equals = field.firstIndex(of: UInt8(ascii: "=")) else { continue }
      var raw = field[(equals + 1)...]
      if raw.first == UInt8(ascii: "{") { raw = raw.dropFirst().dropLast() }
      var numbers: [UInt64] = []
      numbers.reserveCapacity(8)
      for part in raw.split(separator: UInt8(ascii: ",")) {
        if let value = number(part) { numbers.append(value) }
      }
      values[String(decoding: field[..<equals], as: UTF8.self)] = numbers
    }
    return .probe(event: event, values: values)
  }

  /// Decimal digits as a number; nil for anything else.
  static func decimal(_ bytes: ArraySlice<UInt8>) -> UInt64? {
    guard !bytes.isEmpty, bytes.count <= 19 else { return nil }
    var value: UInt64 = 0
    for byte in bytes {
      guard byte >= 0x30 && byte <= 0x39 else { return nil }
      value = value * 10 + UInt64(byte - 0x30)
    }
    return value
  }

  /// "0x1f", "31" or "-1" as the bits of a 64-bit number.
  static func number(_ bytes: ArraySlice<UInt8>) -> UInt64? {
    if bytes.starts(with: [0x30, 0x78]) {  // "0x"
      let digits = bytes.dropFirst(2)
      guard !digits.isEmpty, digits.count <= 16 else { return nil }
      var value: UInt64 = 0
      for byte in digits {
        let digit: UInt8
        switch byte {
        case 0x30...0x39: digit = byte - 0x30
        case 0x61...0x66: digit = byte - 0x61 + 10
        case 0x41...0x46: digit = byte - 0x41 + 10
        default: return nil
        }
        value = value << 4 | UInt64(digit)
      }
      return value
    }
    if bytes.first == UInt8(ascii: "-") {
      return decimal(bytes.dropFirst()).flatMap { $0 <= UInt64(Int64.max) ? UInt64(bitPattern: -Int64($0)) : nil }
    }
    return decimal(bytes)
  }
}
