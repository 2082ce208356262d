import Glibc

/// ipctool's own tracefs instance, `instances/ipctool-PID-START`: its own ring buffer and event
/// switches, so a trace neither sees nor changes what other tracers set up at the top level.
///
/// Removed by `remove()` on every ending ipctool controls; one left by a killed ipctool is
/// removed by the next run (`removeStale`), which knows it by the pid and the start time in its
/// name: a pid alone is reused, and then a killed trace's leftovers would look alive, or block
/// a new trace given the same pid; a pid with its start time names one process ever.
public struct TraceInstance: Sendable {
  public let tracefs: Tracefs
  public let name: String

  /// The prefix of every instance and uprobe group ipctool makes; the owner's pid and start
  /// time follow.
  static let instancePrefix = "ipctool-"

  /// The instance's folder.
  public var folder: String { tracefs.path("instances/" + name) }

  /// Makes the instance of process `pid` (with `suffix`, "-side", for a second one) with a ring
  /// buffer of `bufferKilobytes` a CPU, events stamped on CLOCK_MONOTONIC, and full buffers
  /// dropping new events (counted) rather than overwriting ones not read yet.
  static func make(_ tracefs: Tracefs, pid: pid_t, start: UInt64, suffix: String = "", bufferKilobytes: Int)
    throws(SystemError) -> TraceInstance
  {
    let instance = TraceInstance(tracefs: tracefs, name: instancePrefix + "\(pid)-\(start)" + suffix)
    try DirectoryCalls.make(instance.folder)
    do {
      try instance.set("tracing_on", "0")
      try instance.set("buffer_size_kb", String(bufferKilobytes))
      try instance.set("trace_clock", "mono")
      try instance.set("options/overwrite", "0")
    } catch {
      instance.remove()
      throw error
    }
    return instance
  }

  /// Writes a control file of the instance ("events/syscalls/sys_enter_shmget/enable").
  func set(_ file: String, _ value: String) throws(SystemError) {
    try ControlFileWrite.write(value + "\n", to: folder + "/" + file)
  }

  /// Whether the instance offers this event ("syscalls/sys_enter_shmget").
  func has(event: String) -> Bool { DirectoryCalls.isFolder(folder + "/events/" + event) }

  /// Records the events of these threads only (set_event_pid: the others' are not even offered
  /// to the buffer, so they are never dropped from it either).
  func only(threads: Set<pid_t>) throws(SystemError) {
    try set("set_event_pid", threads.sorted().map(String.init).joined(separator: " "))
  }

  /// Events the buffers could not keep, over every CPU: overwritten ("overrun", "commit
  /// overrun") and refused when full ("dropped events").
  func lostEvents() -> UInt64 {
    guard let cpus = try? FileDescriptor.open(folder + "/per_cpu", O_RDONLY | O_DIRECTORY),
      let entries = try? cpus.directoryEntries()
    else { return 0 }
    var lost: UInt64 = 0
    for entry in entries {
      let name = String(decoding: entry.name, as: UTF8.self)
      guard name.hasPrefix("cpu"), let text = readTextFile(folder + "/per_cpu/" + name + "/stats")
      else { continue }
      for line in text.split(separator: "\n") {
        let parts = line.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, ["overrun", "commit overrun", "dropped events"].contains(parts[0]),
          let value = UInt64(parts[1].filter { $0 != " " })
        else { continue }
        lost += value
      }
    }
    return lost
  }

  /// Stops the instance and removes it with its buffers. Errors are not thrown: this runs on
  /// the way out, and what it could not remove the next run removes.
  func remove() {
    try? set("tracing_on", "0")
    try? set("events/enable", "0")
    try? DirectoryCalls.remove(folder)
  }

  /// Removes instances and uprobes left by ipctool runs that are gone (killed with SIGKILL):
  /// those whose pid no longer lives with the start time in their name. Returns their names.
  static func removeStale(_ tracefs: Tracefs, proc: String = "/proc") -> [String] {
    var removed: [String] = []
    if let folder = try? FileDescriptor.open(tracefs.path("instances"), O_RDONLY | O_DIRECTORY),
      let entries = try? folder.directoryEntries()
    {
      for entry in entries {
        let name = String(decoding: entry.name, as: UTF8.self)
        // "ipctool-PID-START" or "ipctool-PID-START-side" (before #29: "ipctool-PID[-side]").
        guard name.hasPrefix(instancePrefix) else { continue }
        let parts = name.dropFirst(instancePrefix.count).split(separator: "-")
        guard let pid = parts.first.flatMap({ pid_t($0) }),
          isGone(pid, start: parts.dropFirst().first.flatMap { UInt64($0) }, proc: proc)
        else { continue }
        let instance = TraceInstance(tracefs: tracefs, name: name)
        instance.remove()
        if !DirectoryCalls.isFolder(instance.folder) { removed.append("instances/" + name) }
      }
    }
    removed += LibcProbes.removeStale(tracefs) { isGone($0, start: $1, proc: proc) }
    return removed
  }

  /// Whether the ipctool that made a name is gone: no process has its pid with its start time.
  /// A name without a start time (an older ipctool's) is gone unless its pid is an ipctool.
  static func isGone(_ pid: pid_t, start: UInt64?, proc: String) -> Bool {
    guard let start else { return !isLiveIpctool(pid, proc: proc) }
    return startTime(of: pid, proc: proc) != start
  }

  /// When process `pid` started, in clock ticks after boot (/proc/PID/stat's 22nd field); nil
  /// if there is no such process.
  static func startTime(of pid: pid_t, proc: String) -> UInt64? {
    // The command name (field 2, in parentheses) may hold spaces and ')': count after the last.
    guard let text = readTextFile("\(proc)/\(pid)/stat", limit: 4096), let close = text.lastIndex(of: ")")
    else { return nil }
    let fields = text[text.index(after: close)...].split(separator: " ")
    // fields[0] is field 3 (the state).
    guard fields.count > 19 else { return nil }
    return UInt64(fields[19])
  }

  /// Whether `pid` is an ipctool that runs now (its kernel name, which it cannot choose
  /// otherwise than by being named so: a look-alike keeps its instance, harmlessly).
  static func isLiveIpctool(_ pid: pid_t, proc: String) -> Bool {
    guard ProcessCalls.exists(pid), let comm = readTextFile("\(proc)/\(pid)/comm") else {
      return false
    }
    return comm == "ipctool\n"
  }
}
