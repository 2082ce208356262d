import Glibc
import IPCKit

/// How `trace` shows its events: one text line, or one JSON object a line; and its failures.
enum TraceWording {
  /// The last caller's command line as shown (escaped, whole and short): a program making
  /// thousands of calls is escaped once, not once a call.
  nonisolated(unsafe) private static var lastCommand: (process: ProcessRef, whole: String, short: String)?

  static func commandTexts(_ process: ProcessRef) -> (whole: String, short: String) {
    if let last = lastCommand, last.process == process { return (last.whole, last.short) }
    let texts = (process.command, process.shortCommand)
    lastCommand = (process, texts.0, texts.1)
    return texts
  }

  static let header = row(["TIME", "PID", "NAMESPACE", "CALL", "RESULT", "REF", "COMMAND"])

  /// The columns' widths, but for the last two (the reference and the command line).
  static let widths = [15, 7, 10, 10, 6]

  /// Cells two spaces apart, each padded to its column's width.
  static func row(_ cells: [String]) -> String {
    cells.enumerated().map { index, cell in
      index < widths.count && cell.count < widths[index]
        ? cell + String(repeating: " ", count: widths[index] - cell.count) : cell
    }.joined(separator: "  ") + "\n"
  }

  /// "13:40:01.123456     4242  4026531839  shm_open    EEXIST  posix-shm:/jobs  python3 x.py"
  static func line(_ event: TraceEvent) -> String {
    let namespace = event.ipcNamespace.map(String.init) ?? "?"
    return row([
      clock(event.time), String(event.pid), namespace, event.call.rawValue, result(event),
      reference(event), command(event),
    ])
  }

  /// "ok", the errno's name ("EEXIST"), or "failed" where the errno was not seen.
  static func result(_ event: TraceEvent) -> String {
    guard event.failed else { return "ok" }
    return event.error.map { $0.name ?? String($0.rawValue) } ?? "failed"
  }

  /// The object as a reference, escaped: KIND:/name, KIND:ID, KIND:0xKEY; '?' for what the
  /// trace could not learn (a queue's name without the C library, shmdt of an unseen shmat).
  static func reference(_ event: TraceEvent) -> String {
    let kind = event.kind.rawValue
    if event.kind.isNamed {
      guard let name = event.objectName else { return kind + ":?" }
      return kind + ":/" + Escaping.escape(name)
    }
    if let id = event.id { return "\(kind):\(id)" }
    if let key = event.key, key != 0 { return "\(kind):\(formatKey(key))" }
    return kind + ":?"
  }

  /// The caller's command line, shortened, escaped; its kernel name in brackets once it ended.
  static func command(_ event: TraceEvent) -> String {
    let command = event.process.map { commandTexts($0).short } ?? "[" + Escaping.escape(event.comm) + "]"
    return event.container.map { command + "  (container " + Escaping.escape($0) + ")" } ?? command
  }

  /// Local time of day with microseconds.
  static func clock(_ nanoseconds: Int64) -> String {
    var seconds = time_t(nanoseconds / 1_000_000_000)
    var parts = tm()
    localtime_r(&seconds, &parts)
    let micros = String(nanoseconds / 1_000 % 1_000_000)
    func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : String(value) }
    return "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))."
      + String(repeating: "0", count: 6 - micros.count) + micros
  }

  /// One JSON object, one line.
  static func json(_ event: TraceEvent) -> String {
    let name = event.objectName.map { [UInt8(ascii: "/")] + $0 }
    let hex = name.map { $0.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() }
    let fields: [(String, JSON)] = [
      ("time", .double(Double(event.time) / 1e9)),
      ("pid", .number(event.pid)),
      ("comm", .string(Escaping.escape(event.comm))),
      ("command", .string(event.process.map { commandTexts($0).whole })),
      ("ipc_namespace", .number(event.ipcNamespace)),
      ("container", .string(event.container.map { Escaping.escape($0) })),
      ("call", .string(event.call.rawValue)),
      ("action", .string(event.action.rawValue)),
      ("kind", .string(event.kind.rawValue)),
      ("ref", .string(reference(event))),
      ("name", .string(name.flatMap { String(validating: $0, as: UTF8.self) })),
      ("name_hex", .string(hex)),
      ("key", event.kind.isNamed ? .null : .number(event.key)),
      ("id", .number(event.id)),
      ("flags", .number(event.flags)),
      ("result", .number(event.result)),
      ("ok", .bool(!event.failed)),
      ("errno", .string(event.error.flatMap(\.name))),
      ("error", .string(event.error.map(\.description))),
      ("source", .string(event.source.rawValue)),
    ]
    return JSON.object(fields).text + "\n"
  }

  /// "1234 calls lost: the kernel's trace buffer was full"; "at most ..." when the count is a
  /// bound (the kernel recorded more than the calls selected, or a call's end is in doubt).
  static func lost(_ lost: LostCalls) -> String {
    let calls = lost.count == 1 ? "call" : "calls"
    return lost.exact
      ? "\(lost.count) \(calls) lost: the kernel's trace buffer was full"
      : "at most \(lost.count) \(calls) lost: the kernel's trace buffer was full"
        + " (the count may include calls the options leave out)"
  }

  static func sentence(_ error: TraceError) -> String {
    switch error {
    case .notRoot: "needs root (tracefs, uprobes)"
    case .noTracefs(let error): "tracefs is not mounted and could not be mounted: \(error)"
    case .foreignPidNamespace: "needs the host's pid namespace: tracefs reports its pids"
    case .noSyscallEvents: "the kernel has no syscall tracepoints (CONFIG_FTRACE_SYSCALLS)"
    case .failed(let error): "\(error)"
    }
  }

  /// Calls left out because their process ended before its IPC namespace was read.
  static func unknownNamespace(_ count: Int) -> String {
    "\(count) call\(count == 1 ? "" : "s") not shown: made by processes gone before their IPC namespace was read (-A shows them)"
  }
}
