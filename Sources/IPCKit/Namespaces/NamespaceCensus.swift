import CIPCShims
import Glibc

/// One IPC namespace of the host, as `ipctool namespaces` shows it: who is in it, which
/// container it is, what it holds, and how full the /dev/shm its processes see is.
public struct IPCNamespaceSummary: Sendable {
  /// The namespace's inode, as /proc/PID/ns/ipc shows it ("ipc:[4026531839]").
  public var inode: UInt64
  /// The namespace, device and inode.
  public var id: IPCNamespaceID?
  public var processes: Int
  /// Its lowest pid that is not a kernel thread: a container's init, the host's pid 1.
  public var representative: ProcessRef
  /// "host" for the initial namespace, else what the cgroup says ("podman 3f2a9c1b7d0e").
  public var container: String?
  /// Objects of each kind; nil where the namespace could not be read.
  public var counts: [IPCKind: Int]?
  /// Bytes of System V and POSIX shared memory.
  public var sharedMemoryBytes: UInt64?
  /// Size and use of the /dev/shm its representative sees.
  public var shmSize: UInt64?
  public var shmUsed: UInt64?
  /// Why its objects could not be read, or why some kind is missing.
  public var notes: [NamespaceNote] = []
  /// Whether it is the caller's own (no joining needed, nor permitted to fail).
  public var isCallers = false

  /// How a reading of every namespace tags its objects.
  public var tag: NamespaceTag { NamespaceTag(inode: inode, container: container) }

  /// Where its processes see POSIX shared memory and semaphores: its representative's /dev/shm,
  /// opened inside that process's root and verified; one that is not a tmpfs is not entered
  /// (decided from the mount table alone), and says so as a listing gap.
  public func paths(proc: String) -> IPCPaths {
    IPCPaths.target(representative.pid, proc: proc)
  }
}

/// Every IPC namespace of the host, found through the processes in /proc.
public enum NamespaceCensus {
  /// Every namespace with its objects counted, each read from a thread that joins it (queues
  /// through a mount made there, POSIX shared memory through its verified /dev/shm handle), and
  /// the /dev/shm its processes see measured. `context` gives /proc, the caller and the clock.
  public static func read(_ context: IPCContext) -> [IPCNamespaceSummary] {
    survey(context).namespaces
  }

  /// Every namespace found, and how many processes' namespaces could not be read.
  public struct Survey<Namespace> {
    public var namespaces: [Namespace]
    /// Processes whose /proc/PID/ns/ipc this caller may not read (it needs ptrace access to
    /// them): namespaces only they are in are missing, unknown rather than absent.
    public var unreadableProcesses: Int
  }

  /// `read`, with the processes whose namespace could not be read counted.
  public static func survey(_ context: IPCContext) -> Survey<IPCNamespaceSummary> {
    var snapshot = Snapshot(selection: Selection())
    snapshot.withValues = false
    let every = snapshot.surveyEveryNamespace(context, shmOnce: false) { _ in ObjectTally.init }
    let summaries = every.namespaces.map { reading in
      var summary = reading.namespace
      summary.shmSize = reading.shmSpace?.size
      summary.shmUsed = reading.shmSpace?.used
      if case .shmRefused(_, let reason)? = reading.shmGap {
        summary.notes.append(.shmRefused(reason: reason))
      }
      switch reading.reading {
      case .failure(let code): summary.notes.append(.cannotJoin(code))
      case .success(let objects):
        var tally = ObjectTally(runs: objects.parts)
        for gap in objects.gaps {
          for kind in gap.kinds { tally.counts[kind] = nil }
        }
        summary.counts = tally.counts
        summary.sharedMemoryBytes = tally.bytes
      }
      return summary
    }
    return Survey(namespaces: summaries, unreadableProcesses: every.unreadableProcesses)
  }

  /// Runs `body` on a thread of its own that has joined `namespace` (unless it is the
  /// caller's), with the paths its processes see; the caller's thread stays where it is.
  public static func within<T>(
    _ namespace: IPCNamespaceSummary, proc: String = "/proc", paths given: IPCPaths? = nil,
    _ body: @escaping (IPCPaths) -> T
  ) -> Result<T, Errno> {
    let paths = given ?? namespace.paths(proc: proc)
    let pid = namespace.representative.pid
    let joining = !namespace.isCallers
    return onOwnThread { () -> Result<T, Errno> in
      if joining, case .failure(let error) = NamespaceCalls.joinIPC(at: "\(proc)/\(pid)/ns/ipc") {
        return .failure(error.code)
      }
      return .success(body(paths))
    }
  }

  /// Every namespace some process is in, without reading its objects.
  public static func find(proc: String = "/proc") -> [IPCNamespaceSummary] {
    find(surveying: proc).namespaces
  }

  /// `find`, with the processes whose namespace this caller may not read counted (one gone
  /// meanwhile, or a zombie's, is nothing).
  public static func find(surveying proc: String) -> Survey<IPCNamespaceSummary> {
    var groups: [IPCNamespaceID: (count: Int, representative: ProcessRef?)] = [:]
    var unreadable = 0
    for pid in Processes.pids(proc: proc) {  // ascending: the first seen is the lowest
      let found = IPCNamespaceID.of(String(pid), proc: proc)
      guard case .success(let namespace) = found else {
        if case .failure(let code) = found, code.isPermissionDenied { unreadable += 1 }
        continue
      }
      var group = groups[namespace] ?? (0, nil)
      group.count += 1
      // Kernel threads (no command line, shown "[name]") are in the initial namespaces only.
      if group.representative?.commandBytes.first.map({ $0 == UInt8(ascii: "[") }) ?? true,
        let process = ProcessRef.reading(pid, proc: proc)
      {
        if group.representative == nil || process.commandBytes.first != UInt8(ascii: "[") {
          group.representative = process
        }
      }
      groups[namespace] = group
    }
    // Kernel threads (kthreadd is pid 2) are in the initial namespace, where pid 1 may be hidden.
    func namespace(of entry: String) -> IPCNamespaceID? {
      try? IPCNamespaceID.of(entry, proc: proc).get()
    }
    let host = namespace(of: "1") ?? namespace(of: "2")
    let mine = namespace(of: "self")
    let namespaces = groups.sorted { $0.key.inode < $1.key.inode }.compactMap {
      namespace, group -> IPCNamespaceSummary? in
      guard let process = group.representative else { return nil }
      var summary = IPCNamespaceSummary(
        inode: namespace.inode, processes: group.count, representative: process,
        container: namespace == host
          ? "host" : readTextFile("\(proc)/\(process.pid)/cgroup").flatMap(ContainerName.from))
      summary.id = namespace
      summary.isCallers = namespace == mine
      return summary
    }
    return Survey(namespaces: namespaces, unreadableProcesses: unreadable)
  }
}

/// Objects of each kind and bytes of shared memory, counted a run at a time as they are read.
private struct ObjectTally {
  var counts: [IPCKind: Int] = Dictionary(uniqueKeysWithValues: IPCKind.allCases.map { ($0, 0) })
  var bytes: UInt64 = 0

  init(_ objects: [IPCObjectInfo]) {
    for object in objects {
      counts[object.kind, default: 0] += 1
      bytes += object.details.size ?? 0
    }
  }

  init(runs: [ObjectTally]) {
    for run in runs {
      counts.merge(run.counts, uniquingKeysWith: +)
      bytes += run.bytes
    }
  }
}
