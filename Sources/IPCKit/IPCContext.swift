import Glibc

/// What every job works on, made once by the front end and passed explicitly: where the kernel
/// shows objects (with /dev/shm opened and verified), which IPC namespace, who is asking, and
/// what time it is. No
/// environment variable changes what a library call does; a test builds a context on fixture
/// folders and a fixed clock.
public struct IPCContext: Sendable {
  public let paths: IPCPaths
  /// The queue directory of its namespace, opened on first use and kept.
  public let queues: QueueDirectory
  /// The caller as the kernel's permission checks see it, read once.
  public var caller: Caller
  public var clock: IPCClock
  /// The IPC namespace its System V objects and queues are in; nil where it cannot be read.
  public var ipcNamespace: IPCNamespaceID?

  /// A context for `paths`. Without `ipcNamespace`, the namespace is the calling thread's now:
  /// a command joins a target's before it makes the target's context; a context made for a
  /// namespace the thread has not joined (`--all-namespaces`) names it.
  public init(
    paths: IPCPaths, caller: Caller? = nil, clock: IPCClock = .system,
    ipcNamespace: IPCNamespaceID? = nil
  ) {
    self.paths = paths
    self.caller = caller ?? Caller.current(proc: paths.proc)
    self.clock = clock
    self.ipcNamespace = ipcNamespace ?? (try? IPCNamespaceID.of("thread-self", proc: paths.proc).get())
    queues = QueueDirectory(paths: paths, namespace: self.ipcNamespace)
  }

  /// The system as this process sees it: /proc, its own /dev/shm (verified as a target's is)
  /// and its IPC namespace's queues.
  public static func system() -> IPCContext {
    IPCContext(paths: IPCPaths(shmAccess: ShmHandle.open(pid: nil)))
  }

  /// What the process `pid` sees: its /dev/shm opened inside its root and verified.
  public static func target(_ pid: pid_t) -> IPCContext {
    IPCContext(paths: .target(pid))
  }
}

/// The wall clock in whole seconds, as the kernel stamps IPC objects; fixed in tests, so that
/// "changed in the last 5 seconds" is decided without waiting.
public struct IPCClock: Sendable {
  private let read: @Sendable () -> Int

  public init(_ read: @escaping @Sendable () -> Int) { self.read = read }

  public var now: Int { read() }

  public static let system = IPCClock { time(nil) }

  /// A clock that always says `seconds` (since the epoch).
  public static func fixed(_ seconds: Int) -> IPCClock { IPCClock { seconds } }
}
