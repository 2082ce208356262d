import Glibc

/// Uprobes on the C library's named-object calls (`shm_open`, `sem_open`, `mq_open` and their
/// `*_unlink`): the one place a name is read, from the caller's memory as it enters the call, and
/// the value the call returns.
///
/// They cover processes that run the same C library file as ipctool (a container with its own
/// libc is not covered; its System V and mq_* calls still are, by the syscall tracepoints). The
/// name is fetched as hex numbers, never as a string, so no byte a caller chose reaches the
/// trace text; up to 256 bytes are read, and a name is cut at its NUL.
public struct LibcProbes: Sendable {
  /// The library file probed.
  public let library: String
  /// The uprobe group, "ipctool_PID" (a group name allows no '-').
  public let group: String
  let tracefs: Tracefs
  /// The events defined, "shm_open" and "shm_open_ret"...
  private(set) var events: [String]

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
  static func define(_ tracefs: Tracefs, pid: pid_t, proc: String = "/proc") throws(SystemError)
    -> LibcProbes
  {
    guard let library = runningLibrary(proc: proc) else {
      throw SystemError(call: "open", subject: "libc.so.6", code: .noSuchFileOrDirectory)
    }
    let file = try FileDescriptor.open(library, O_RDONLY)
    guard let symbols = ElfSymbols(try file.read(upTo: 1 << 28)) else {
      throw SystemError(call: "read", subject: library, code: .invalidArgument)
    }
    let group = groupPrefix + String(pid)
    var probes = LibcProbes(library: library, group: group, tracefs: tracefs, events: [])
    for function in functions {
      guard let offset = symbols.offsets[function.name] else { continue }
      let place = "\(library):0x\(String(offset, radix: 16))"
      let flags = function.flags ? " fl=%si:x32" : ""
      let result = function.name == "sem_open" ? "rv=$retval:s64" : "rv=$retval:s32"
      do {
        try probes.add("p:\(group)/\(function.name) \(place) \(nameFetch)\(flags)", function.name)
        try probes.add("r:\(group)/\(function.name)_ret \(place) \(result)", function.name + "_ret")
      } catch {
        probes.remove()
        throw error
      }
    }
    return probes
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

  /// Removes uprobes of ipctool groups whose owner `isGone`; returns "uprobe GROUP/EVENT" for each.
  static func removeStale(_ tracefs: Tracefs, isGone: (pid_t) -> Bool) -> [String] {
    guard let text = readTextFile(tracefs.path("uprobe_events")) else { return [] }
    var removed: [String] = []
    for line in text.split(separator: "\n") {
      // "p:ipctool_123/shm_open /usr/lib/...:0x91b60 ..."
      guard let head = line.split(separator: " ").first, let colon = head.firstIndex(of: ":")
      else { continue }
      let event = head[head.index(after: colon)...]
      let parts = event.split(separator: "/")
      guard parts.count == 2, parts[0].hasPrefix(groupPrefix),
        let pid = pid_t(parts[0].dropFirst(groupPrefix.count)), isGone(pid)
      else { continue }
      if (try? ControlFileWrite.write("-:\(event)\n", to: tracefs.path("uprobe_events"), append: true)) != nil {
        removed.append("uprobe " + event)
      }
    }
    return removed
  }
}
