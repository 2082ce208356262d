import Glibc

/// Where the kernel's shared memory is: what `ipctool memory` shows, every figure in bytes.
///
/// The rows add up to meminfo's Shmem but for what no process or mount shows (drivers' buffers,
/// other namespaces' System V segments and tmpfs mounts other than /dev/shm), which is
/// `unexplained`, never hidden.
public struct SharedMemoryAccount: Sendable {
  public var meminfo: MemInfo?
  /// Each tmpfs once, /dev/shm first; its unlinked-but-held files inside it.
  public var tmpfs: [TmpfsUsage]
  /// The System V segments of the caller's IPC namespace.
  public var segments: [SegmentMemory]
  /// memfd files and shared anonymous regions, each once however many processes hold it.
  public var memfds: [SharedFile]
  public var anonymous: [SharedFile]
  /// Every process looked at, and those whose maps or descriptors could not be read (what they
  /// hold is unknown: never counted as nothing).
  public var processes: [ProcessRef]
  public var unreadable: [ProcessRef]
  /// IPC namespaces whose segments could not be read (with --all-namespaces).
  public var unreadNamespaces: [NamespaceGap] = []
  /// Processes whose IPC namespace could not be read (with --all-namespaces): namespaces only
  /// they are in are missing, unknown rather than absent.
  public var namespaceUnreadableProcesses = 0
  /// Per memory cgroup, when asked for.
  public var cgroups: [CgroupMemory]?
  /// What a selection picked, when one narrows: the rows shown instead of every row.
  public var selected: SelectedMemory? = nil

  /// What the rows account for: tmpfs use, segments' resident pages, memfd and shared
  /// anonymous pages.
  public var explained: UInt64 {
    tmpfs.reduce(0) { $0 + ($1.used ?? 0) } + segments.reduce(0) { $0 + ($1.resident ?? 0) }
      + (memfds + anonymous).reduce(0) { $0 + ($1.allocated ?? 0) }
  }

  /// Shmem less the rows: in-kernel users and what cannot be seen from here. Negative where
  /// rows count pages in swap (tmpfs and memfd pages are counted wherever they are; Shmem
  /// counts only those in RAM).
  public var unexplained: Int64? {
    meminfo.map { Int64($0.shmem) - Int64(explained) }
  }

  /// What each process holds (files it maps or keeps open, segments it has attached), and the
  /// part only it holds, which its exit would free; processes holding nothing are left out.
  public var byProcess: [ProcessHoldings] {
    var table: [pid_t: ProcessHoldings] = [:]
    func add(_ process: ProcessRef, _ bytes: UInt64, _ kind: ProcessHoldings.Part, alone: Bool) {
      var row = table[process.pid] ?? ProcessHoldings(process: process)
      row.parts[kind, default: 0] += bytes
      if alone { row.alone += bytes }
      table[process.pid] = row
    }
    let unlinked = tmpfs.flatMap(\.unlinked)
    for (files, part) in [
      (memfds, ProcessHoldings.Part.memfd), (anonymous, .sharedAnonymous), (unlinked, .unlinked),
    ] {
      for file in files {
        for holder in file.holders {
          add(holder, file.allocated ?? 0, part, alone: file.holders.count == 1)
        }
      }
    }
    for segment in segments {
      guard let holders = segment.holders else { continue }
      // Only a segment marked for removal goes with its last process; another stays.
      for holder in holders {
        add(
          holder, segment.resident ?? 0, .segment,
          alone: holders.count == 1 && segment.markedForRemoval)
      }
    }
    return table.values.sorted { (left: ProcessHoldings, right: ProcessHoldings) -> Bool in
      if left.total != right.total { return left.total > right.total }
      return left.process.pid < right.process.pid
    }
  }
}

/// An IPC namespace that could not be joined, and why.
public struct NamespaceGap: Sendable {
  public var namespace: UInt64
  public var container: String?
  public var code: Errno
}

/// One process's share of the account.
public struct ProcessHoldings: Sendable {
  public enum Part: String, Sendable, CaseIterable {
    case memfd
    case sharedAnonymous = "shared-anon"
    case unlinked
    case segment = "sysv-shm"
  }

  public var process: ProcessRef
  public var parts: [Part: UInt64] = [:]
  /// What would be freed if it exited: files only it holds, segments marked for removal only
  /// it has attached.
  public var alone: UInt64 = 0

  public var total: UInt64 { parts.values.reduce(0, +) }
}
