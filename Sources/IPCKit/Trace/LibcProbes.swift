import Glibc

/// Uprobes on the C library's named-object calls (`shm_open`, `sem_open`, `mq_open` and their
/// `*_unlink`): the one place a name is read, from the caller's memory as it enters the call, and
/// the value the call returns.
///
/// They cover processes that run the same C library file as ipctool (glibc), and the host's
/// musl (its loader, which is its libc: programs built with musl-gcc) where it is installed. A
/// container with its own C library file is not covered; its System V and mq_* calls still are,
/// by the syscall tracepoints, and its /dev/shm entries by fanotify when it shares the watched
/// /dev/shm. The name is fetched as hex numbers, never as a string, so no byte a caller chose
/// reaches the trace text; up to 256 bytes are read, and a name is cut at its NUL. musl's
/// events are named "musl_shm_open"...
public struct LibcProbes: Sendable {
  /// The glibc file probed.
  public let library: String
  /// The musl file probed, if one is installed (and could be probed).
  public private(set) var musl: String?
  /// The uprobe group, "ipctool_PID_START" (a group name allows no '-'), as the instances'.
  public let group: String
  let tracefs: Tracefs
  /// The events defined, "shm_open" and "shm_open_ret"...
  var events: [String]

  /// The functions probed and whether their flags (second argument) are fetched.
  static let functions: [(name: String, flags: Bool)] = [
    ("shm_open", true), ("shm_unlink", false), ("sem_open", true), ("sem_unlink", false),
    ("mq_open", true), ("mq_unlink", false),
  ]

  static let groupPrefix = "ipctool_"

  /// How the name is fetched: four arrays of eight 64-bit words from the first argument.
  static let nameFetch = (0..<4).map { "n\($0)=+\($0 * 64)(%di):x64[8]" }.joined(separator: " ")

  /// Defines the probes for process `pid` in the library this process runs on (from
  /// /proc/self/maps). Throws when it cannot: the trace then goes on without names.
  static func define(_ tracefs: Tracefs, pid: pid_t, start: UInt64, proc: String = "/proc") throws(SystemError)
    -> LibcProbes
  {
    guard let library = runningLibrary(proc: proc) else {
      throw SystemError(call: "open", subject: "libc.so.6", code: .noSuchFileOrDirectory)
    }
    let group = groupPrefix + "\(pid)_\(start)"
    var probes = LibcProbes(library: library, musl: nil, group: group, tracefs: tracefs, events: [])
    do {
      try probes.addAll(library, prefix: "")
    } catch {
      probes.remove()
      throw error
    }
    // musl where installed: a failure there leaves glibc's probes as they are.
    if let musl = muslLibraries.first(where: { FileCalls.exists($0) }) {
      let before = probes.events
      do {
        try probes.addAll(musl, prefix: muslPrefix)
        probes.musl = musl
      } catch {
        for event in probes.events where !before.contains(event) {
          try? ControlFileWrite.write("-:\(group)/\(event)\n", to: tracefs.path("uprobe_events"), append: true)
        }
        probes.events = before
      }
    }
    return probes
  }

  /// Where musl's C library (its dynamic loader) is: Alpine's and Debian's name for it first
  /// (on Debian a link to the second).
  static let muslLibraries = ["/lib/ld-musl-x86_64.so.1", "/usr/lib/x86_64-linux-musl/libc.so"]
  static let muslPrefix = "musl_"

  /// The call an event reports and whether it is the return ("musl_shm_open_ret": shm_open).
  static func call(ofEvent event: String) -> (call: String, isReturn: Bool) {
    var name = Substring(event)
    if name.hasPrefix(muslPrefix) { name = name.dropFirst(muslPrefix.count) }
    let isReturn = name.hasSuffix("_ret")
    return (String(isReturn ? name.dropLast(4) : name), isReturn)
  }

  /// Probes the named-object functions of `library`, events named with `prefix`.
  private mutating func addAll(_ library: String, prefix: String) throws(SystemError) {
    let file = try FileDescriptor.open(library, O_RDONLY)
    guard let symbols = ElfSymbols(try file.read(upTo: 1 << 28)) else {
      throw SystemError(call: "read", subject: library, code: .invalidArgument)
    }
    for function in Self.functions {
      guard let offset = symbols.offsets[function.name] else { continue }
      let place = "\(library):0x\(String(offset, radix: 16))"
      let flags = function.flags ? " fl=%si:x32" : ""
      let result = function.name == "sem_open" ? "rv=$retval:s64" : "rv=$retval:s32"
      let event = prefix + function.name
      try add("p:\(group)/\(event) \(place) \(Self.nameFetch)\(flags)", event)
      try add("r:\(group)/\(event)_ret \(place) \(result)", event + "_ret")
    }
  }

  private mutating func add(_ definition: String, _ event: String) throws(SystemError) {
    try ControlFileWrite.write(definition + "\n", to: tracefs.path("uprobe_events"), append: true)
    events.append(event)
  }

  /// Removes the probes (after the instance that enabled them is gone).
  func remove() {
    for event in events {
      try? ControlFileWrite.write("-:\(group)/\(event)\n", to: tracefs.path("uprobe_events"), append: true)
    }
  }

  /// The C library file mapped into this process.
  static func runningLibrary(proc: String) -> String? {
    guard let maps = readTextFile(proc + "/self/maps") else { return nil }
    for line in maps.split(separator: "\n") {
      guard let path = line.split(separator: " ", omittingEmptySubsequences: true).last,
        path.hasPrefix("/"), path.hasSuffix("/libc.so.6")
      else { continue }
      return String(path)
    }
    return nil
  }

  /// Removes uprobes of ipctool groups whose owner (pid, start time if named) `isGone`; returns
  /// "uprobe GROUP/EVENT" for each.
  static func removeStale(_ tracefs: Tracefs, isGone: (pid_t, UInt64?) -> Bool) -> [String] {
    guard let text = readTextFile(tracefs.path("uprobe_events")) else { return [] }
    var removed: [String] = []
    for line in text.split(separator: "\n") {
      // "p:ipctool_123_4567/shm_open /usr/lib/...:0x91b60 ..." (before #29: "ipctool_123/...")
      guard let head = line.split(separator: " ").first, let colon = head.firstIndex(of: ":")
      else { continue }
      let event = head[head.index(after: colon)...]
      let parts = event.split(separator: "/")
      guard parts.count == 2, parts[0].hasPrefix(groupPrefix) else { continue }
      let owner = parts[0].dropFirst(groupPrefix.count).split(separator: "_")
      guard let pid = owner.first.flatMap({ pid_t($0) }), isGone(pid, owner.dropFirst().first.flatMap { UInt64($0) })
      else { continue }
      if (try? ControlFileWrite.write("-:\(event)\n", to: tracefs.path("uprobe_events"), append: true)) != nil {
        removed.append("uprobe " + event)
      }
    }
    return removed
  }
}
