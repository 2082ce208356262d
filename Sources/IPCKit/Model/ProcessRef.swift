import Glibc

/// A process, as `clean`, `list --users` and `inspect` name users: "1234 (postgres: checkpointer)".
///
/// Named by its command line, as `ps -o args` shows it: the short kernel name (comm) is the
/// same for every process of a server ("postgres"), while the command line tells the
/// postmaster from a backend. A process writes its own command line (and name), so both are
/// bytes that may hold controls and invalid UTF-8: kept as bytes, shown escaped.
public struct ProcessRef: Hashable, Sendable, CustomStringConvertible {
  public var pid: pid_t
  /// The arguments joined by spaces; for a process without any (a kernel thread, a zombie),
  /// its kernel name in brackets, as ps shows it.
  public var commandBytes: [UInt8]

  /// How many bytes of a command line a USERS cell or a note shows before "…".
  public static let shownBytes = 48

  public init(pid: pid_t, commandBytes: [UInt8]) {
    self.pid = pid
    self.commandBytes = commandBytes
  }

  /// By pid alone: a scan puts the same process in a set once per object it uses (30,000
  /// times for a process holding 30,000 segments), and a command line is long to hash. Equal
  /// processes have equal pids, so the hash stays consistent with `==`.
  public func hash(into hasher: inout Hasher) { hasher.combine(pid) }

  /// The process with this pid; nil once it is gone.
  public static func reading(_ pid: pid_t, proc: String) -> ProcessRef? {
    let base = "\(proc)/\(pid)"
    if let file = try? FileDescriptor.open(base + "/cmdline", O_RDONLY),
      let arguments = try? file.read(upTo: 4096), !arguments.isEmpty
    {
      return ProcessRef(pid: pid, commandBytes: commandLine(arguments))
    }
    guard let file = try? FileDescriptor.open(base + "/comm", O_RDONLY),
      let comm = try? file.read(upTo: 64)
    else { return nil }
    // comm ends with a newline the kernel adds; the name itself may hold one too.
    let name = comm.last == 0x0A ? comm.dropLast() : comm[...]
    return ProcessRef(pid: pid, commandBytes: Array("[".utf8) + name + Array("]".utf8))
  }

  /// /proc/PID/cmdline's NUL-separated arguments joined by spaces, without the padding a
  /// process that rewrote its title (PostgreSQL's "postgres: checkpointer ") leaves.
  static func commandLine(_ raw: [UInt8]) -> [UInt8] {
    var bytes = raw.map { $0 == 0 ? UInt8(ascii: " ") : $0 }
    while bytes.last == UInt8(ascii: " ") { bytes.removeLast() }
    return bytes
  }

  /// The whole command line, escaped for a terminal (JSON carries this one).
  public var command: String { Escaping.escape(commandBytes) }

  /// The command line made to fit `shownBytes`, escaped: what a cell shows. A long one keeps
  /// what tells programs apart, the script and the options: the program is named by its last
  /// path component and other paths by "…/" and theirs ("python …/worker.py --queue jobs",
  /// not "/srv/venv/bin/python /srv/app/wo…"); only then is the end cut, at a character.
  public var shortCommand: String {
    guard commandBytes.count > Self.shownBytes else { return command }
    let words = commandBytes.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
    var short: [UInt8] = []
    for (index, word) in words.enumerated() {
      if index > 0 { short.append(UInt8(ascii: " ")) }
      guard let slash = word.lastIndex(of: UInt8(ascii: "/")), slash < word.endIndex - 1 else {
        short += word
        continue
      }
      let last = word[(slash + 1)...]
      short += index == 0 ? Array(last) : Array("…/".utf8) + last
    }
    guard short.count > Self.shownBytes else { return Escaping.escape(short) }
    var end = Self.shownBytes
    while end > 0 && short[end] & 0xC0 == 0x80 { end -= 1 }  // not inside a UTF-8 sequence
    return Escaping.escape(Array(short[..<end])) + "…"
  }

  public var description: String { "\(pid) (\(shortCommand))" }
}

/// The processes /proc lists now.
public enum Processes {
  /// Every process, named by its command line, in pid order.
  public static func all(proc: String) -> [ProcessRef] {
    pids(proc: proc).compactMap { ProcessRef.reading($0, proc: proc) }
  }

  /// Every pid, in order.
  public static func pids(proc: String) -> [pid_t] {
    guard let directory = try? FileDescriptor.open(proc, O_RDONLY | O_DIRECTORY),
      let entries = try? directory.directoryEntries()
    else { return [] }
    return entries.compactMap { pid_t(String(decoding: $0.name, as: UTF8.self)) }.sorted()
  }

  /// This process and those that started it, up to init: their use of an object is the
  /// caller's own doing (and a clean run from a user's shell must not count that shell
  /// against them).
  static func ancestry(proc: String) -> Set<pid_t> {
    var chain: Set<pid_t> = [getpid()]
    var pid = getppid()
    while pid > 1, chain.insert(pid).inserted {
      guard let text = readTextFile("\(proc)/\(pid)/status", limit: 4096),
        let line = text.split(separator: "\n").first(where: { $0.hasPrefix("PPid:") }),
        let parent = pid_t(line.dropFirst(5).filter { !$0.isWhitespace })
      else { break }
      pid = parent
    }
    return chain
  }
}
