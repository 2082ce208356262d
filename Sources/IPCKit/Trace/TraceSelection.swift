import Glibc

/// Which events a trace reports, all conditions combined with AND.
public struct TraceSelection: Sendable {
  /// The IPC namespaces whose callers are reported.
  public enum Namespaces: Sendable, Equatable {
    /// Every namespace.
    case all
    /// One namespace, by its inode (/proc/PID/ns/ipc).
    case only(UInt64)
  }

  public var kinds: Set<IPCKind> = Set(IPCKind.allCases)
  /// A POSIX name's first bytes, with its slash; System V events do not match one.
  public var prefix: [UInt8]?
  /// Callers by thread id (the process id of a single-threaded one); empty: every caller.
  public var pids: Set<pid_t> = []
  public var namespaces: Namespaces = .all
  public var actions: Set<TraceEvent.Action> = Set(TraceEvent.Action.allCases)

  public init() {}

  /// The IPC namespace of process `pid`, for `.only`; nil if it cannot be seen.
  public static func namespace(of pid: pid_t, proc: String = "/proc") -> UInt64? {
    ProcessCalls.ipcNamespace(of: pid, proc: proc)
  }

  /// Whether `event` is reported. A caller that ended before its namespace could be read is
  /// reported only when every namespace is asked for: it may be any program on the machine.
  public func matches(_ event: TraceEvent) -> Bool {
    guard matchesAllButNamespace(event) else { return false }
    if case .only(let inode) = namespaces, event.ipcNamespace != inode { return false }
    return true
  }

  /// Whether `event` is left out only because its caller ended before its namespace was read
  /// (to be counted and said, not shown as if it were of the namespace asked for).
  public func hidesForUnknownNamespace(_ event: TraceEvent) -> Bool {
    guard case .only = namespaces, event.ipcNamespace == nil else { return false }
    return matchesAllButNamespace(event)
  }

  private func matchesAllButNamespace(_ event: TraceEvent) -> Bool {
    guard kinds.contains(event.kind), actions.contains(event.action) else { return false }
    if !pids.isEmpty && !pids.contains(event.pid) { return false }
    if let prefix {
      guard let name = event.objectName, ([UInt8(ascii: "/")] + name).starts(with: prefix) else {
        return false
      }
    }
    return true
  }
}
