import CIPCShims
import Glibc

/// One IPC namespace of the host, as `ipctool namespaces` shows it: who is in it, which
/// container it is, what it holds, and how full the /dev/shm its processes see is.
public struct IPCNamespaceSummary: Sendable {
  /// The namespace's inode, as /proc/PID/ns/ipc shows it ("ipc:[4026531839]").
  public var inode: UInt64
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
  public var notes: [String] = []
  /// Whether it is the caller's own (no joining needed, nor permitted to fail).
  public var isCallers = false

  /// Where its processes see POSIX shared memory and semaphores: its representative's /dev/shm,
  /// opened inside that process's root and verified; one that is not a tmpfs is not entered
  /// (decided from the mount table alone), and says so as a listing gap.
  public func paths(proc: String) -> IPCPaths {
    IPCPaths.target(representative.pid, proc: proc)
  }
}

/// Every IPC namespace of the host, found through the processes in /proc.
public enum NamespaceCensus {
  /// Every namespace with its objects counted.
  public static func read(proc: String = "/proc") -> [IPCNamespaceSummary] {
    find(proc: proc).map { namespace in
      var summary = namespace
      readObjects(into: &summary, proc: proc)
      return summary
    }
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
    var groups: [IPCNamespaceID: (count: Int, representative: ProcessRef?)] = [:]
    for pid in Processes.pids(proc: proc) {  // ascending: the first seen is the lowest
      guard case .success(let namespace) = IPCNamespaceID.of(String(pid), proc: proc) else {
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
    return groups.sorted { $0.key.inode < $1.key.inode }.compactMap {
      namespace, group -> IPCNamespaceSummary? in
      guard let process = group.representative else { return nil }
      var summary = IPCNamespaceSummary(
        inode: namespace.inode, processes: group.count, representative: process,
        container: namespace == host
          ? "host" : readTextFile("\(proc)/\(process.pid)/cgroup").flatMap(ContainerName.from))
      summary.isCallers = namespace == mine
      return summary
    }
  }

  /// Counts the namespace's objects from a thread that joins it (queues through a mount made
  /// there, POSIX shared memory through its verified /dev/shm handle), and measures that
  /// /dev/shm.
  private static func readObjects(into summary: inout IPCNamespaceSummary, proc: String) {
    let paths = summary.paths(proc: proc)
    // Measured through the verified descriptor, never a path the namespace controls.
    if let space = (try? paths.openShm().get())?.space() {
      let unit = UInt64(space.f_frsize)
      summary.shmSize = UInt64(space.f_blocks) * unit
      summary.shmUsed = UInt64(space.f_blocks - space.f_bfree) * unit
    }
    if case .failure(.shmRefused(_, let reason)) = paths.openShm() {
      summary.notes.append("its /dev/shm is \(reason)")
    }
    let result = within(summary, proc: proc, paths: paths) { paths in
      Inventory(paths: paths).list(Set(IPCKind.allCases), withValues: false)
    }
    switch result {
    case .failure(let code):
      summary.notes.append("cannot join its IPC namespace: \(code)")
    case .success(let listing):
      var counts: [IPCKind: Int] = [:]
      for kind in IPCKind.allCases { counts[kind] = 0 }
      var bytes: UInt64 = 0
      for object in listing.objects {
        counts[object.kind, default: 0] += 1
        bytes += object.details.size ?? 0
      }
      for gap in listing.gaps {
        for kind in gap.kinds { counts[kind] = nil }
      }
      summary.counts = counts
      summary.sharedMemoryBytes = bytes
    }
  }
}
