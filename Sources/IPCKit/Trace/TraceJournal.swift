import Glibc

/// The journal `trace --record` keeps, so that `why` can tell an object's story later: every
/// event, one line each, in a file bounded in size.
///
/// A line is tab-separated: `1` (the format), time (ns since the epoch), pid, IPC namespace
/// inode, call, action, source, name (hex), key, id, flags, result, errno, failed (0/1), kernel
/// name (hex), command line (hex); an empty field is unknown. Bytes a process chose are hex, so
/// no name can break a line. When the file passes `limit` bytes it becomes `PATH.1` (the one
/// before is dropped) and a new one starts: the journal never holds more than twice the limit.
public struct TraceJournal: Sendable {
  public let path: String
  public let limit: Int

  /// The journal under /run (a tmpfs: it ends with the boot, as the objects do).
  public static let defaultPath = "/run/ipctool/trace.journal"
  public static let defaultLimit = 4 << 20

  public init(path: String = defaultPath, limit: Int = defaultLimit) {
    self.path = path
    self.limit = limit
  }

  /// The journal opened for appending, its folder made (0700) if missing.
  public func writer() throws(SystemError) -> Writer {
    if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
      let folder = String(path[..<slash])
      if !DirectoryCalls.isFolder(folder) { try DirectoryCalls.make(folder, mode: 0o700) }
    }
    return try Writer(journal: self)
  }

  /// Appends events, rotating the file at its limit.
  public final class Writer {
    let journal: TraceJournal
    private var file: FileDescriptor?
    private var size: Int

    init(journal: TraceJournal) throws(SystemError) {
      self.journal = journal
      let opened = try FileDescriptor.open(journal.path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, mode: 0o600)
      size = Int(try opened.status().st_size)
      file = consume opened
    }

    public func append(_ event: TraceEvent) throws(SystemError) {
      if size >= journal.limit {
        file = nil
        try RenameCall.rename(journal.path, to: journal.path + ".1")
        file = try FileDescriptor.open(journal.path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW, mode: 0o600)
        size = 0
      }
      let line = Array(TraceJournal.line(event).utf8)
      guard let raw = file?.raw else { return }
      let result = line.withUnsafeBytes { Descriptors.writeAll(raw, $0) }
      if case .failure(let code) = result { throw SystemError(call: "write", subject: journal.path, code: code) }
      size += line.count
    }
  }

  /// Every event the journal holds, oldest first (the rotated file, then the current one);
  /// lines it cannot read are skipped.
  public func events() -> [TraceEvent] {
    [path + ".1", path].flatMap { file -> [TraceEvent] in
      guard let text = readTextFile(file, limit: limit * 2) else { return [] }
      return text.split(separator: "\n").compactMap { TraceJournal.event(String($0)) }
    }
  }

  static func hex(_ bytes: [UInt8]?) -> String {
    bytes.map { $0.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() } ?? ""
  }

  static func bytes(_ hex: Substring) -> [UInt8]? {
    guard !hex.isEmpty, hex.count % 2 == 0 else { return nil }
    var bytes: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
      let next = hex.index(index, offsetBy: 2)
      guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
      bytes.append(byte)
      index = next
    }
    return bytes
  }

  static func line(_ event: TraceEvent) -> String {
    func text<T>(_ value: T?) -> String { value.map { "\($0)" } ?? "" }
    return [
      "1", String(event.time), String(event.pid), text(event.ipcNamespace), event.call.rawValue,
      event.action.rawValue, event.source.rawValue, hex(event.name), text(event.key), text(event.id),
      text(event.flags), text(event.result), text(event.error?.rawValue), event.failed ? "1" : "0",
      hex(event.comm), hex(event.process?.commandBytes),
    ].joined(separator: "\t") + "\n"
  }

  static func event(_ line: String) -> TraceEvent? {
    let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
    guard fields.count == 16, fields[0] == "1", let time = Int64(fields[1]), let pid = pid_t(fields[2]),
      let call = TraceEvent.Call(rawValue: String(fields[4])),
      let action = TraceEvent.Action(rawValue: String(fields[5])),
      let source = TraceEvent.Source(rawValue: String(fields[6]))
    else { return nil }
    var event = TraceEvent(
      time: time, pid: pid, comm: bytes(fields[14]) ?? [], call: call, action: action, source: source,
      name: bytes(fields[7]), key: Int32(fields[8]), id: Int32(fields[9]), flags: UInt64(fields[10]),
      result: Int64(fields[11]), error: CInt(fields[12]).map(Errno.init(rawValue:)), failed: fields[13] == "1")
    event.ipcNamespace = UInt64(fields[3])
    event.process = bytes(fields[15]).map { ProcessRef(pid: pid, commandBytes: $0) }
    return event
  }
}
