import CIPCShims
import Glibc

/// One memory cgroup with processes in it: the shared memory the kernel charges to it (what a
/// container's OOM kill turns on: its /dev/shm files count against its limit), its limit, and
/// the /dev/shm its processes see.
public struct CgroupMemory: Sendable {
  /// Its path in the hierarchy, as /proc/PID/cgroup has it (bytes: a delegated subtree's owner
  /// names its folders).
  public var path: [UInt8]
  /// 1 (the memory controller's own hierarchy) or 2 (the unified one).
  public var version: Int
  /// "podman 3f2a9c1b7d0e", "unit nginx.service", ...; nil where nothing says.
  public var container: String?
  public var processes: [ProcessRef]
  /// memory.stat's shmem (v1: total_shmem, which counts its children as v2's does); nil if
  /// unreadable.
  public var shmem: UInt64?
  public var limit: Limit
  /// The /dev/shm its processes see (the first one readable's).
  public var devShm: TmpfsUsage?

  public enum Limit: Sendable, Equatable {
    case none
    case bytes(UInt64)
    case unknown
  }
}

/// Where the memory controller is mounted, and how a process's cgroup is found under it.
struct MemoryHierarchy {
  var version: Int
  /// The mount's folder, opened without links.
  var folder: CInt

  /// The memory controller's line of a /proc/PID/cgroup: v1's "4:memory:/path" before v2's
  /// "0::/path" (on a hybrid host the memory controller is on v1).
  static func cgroup(in text: String) -> (version: Int, path: [UInt8])? {
    var unified: [UInt8]?
    for line in text.split(separator: "\n") {
      let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
      guard fields.count == 3 else { continue }
      if fields[1].split(separator: ",").contains("memory") { return (1, Array(fields[2].utf8)) }
      if fields[0] == "0" && fields[1].isEmpty { unified = Array(fields[2].utf8) }
    }
    return unified.map { (2, $0) }
  }

  /// memory.stat's shmem: v1's total_shmem where given (hierarchical, as v2's shmem is).
  static func shmem(inStat text: String) -> UInt64? {
    var values: [Substring: UInt64] = [:]
    for line in text.split(separator: "\n") {
      let fields = line.split(separator: " ")
      if fields.count == 2, let value = UInt64(fields[1]) { values[fields[0]] = value }
    }
    return values["total_shmem"] ?? values["shmem"]
  }

  /// memory.limit_in_bytes (v1: a huge number means none) or memory.max ("max").
  static func limit(_ text: String?) -> CgroupMemory.Limit {
    guard let word = text?.split(whereSeparator: \.isWhitespace).first else { return .unknown }
    if word == "max" { return .none }
    guard let value = UInt64(word) else { return .unknown }
    return value >= 1 << 62 ? .none : .bytes(value)
  }
}

/// The memory cgroups of the processes walked.
enum CgroupCensus {
  static func read(
    _ processes: [ProcessRef], cgroupText: [pid_t: String], table: MountInfo?, proc: String
  ) -> [CgroupMemory] {
    var groups: [String: CgroupMemory] = [:]
    var order: [String] = []
    for process in processes {
      guard let text = cgroupText[process.pid],
        let (version, path) = MemoryHierarchy.cgroup(in: text)
      else { continue }
      let key = "\(version):" + String(decoding: path, as: UTF8.self)
      if groups[key] == nil {
        order.append(key)
        groups[key] = CgroupMemory(
          path: path, version: version, container: ContainerName.from(cgroup: text), processes: [],
          shmem: nil, limit: .unknown, devShm: nil)
      }
      groups[key]?.processes.append(process)
    }
    let mounts = hierarchies(table)
    return order.compactMap { key -> CgroupMemory? in
      guard var group = groups[key] else { return nil }
      if let mount = mounts[group.version] { measure(&group, under: mount.descriptor.raw) }
      // The first process that lets us see it (a supervisor may not).
      for process in group.processes.prefix(8) {
        guard case .success(let handle) = ShmHandle.open(pid: process.pid, proc: proc) else {
          continue
        }
        group.devShm = TmpfsCensus.devShm(handle, seenThrough: process)
        break
      }
      return group
    }
  }

  private static func measure(_ group: inout CgroupMemory, under mount: CInt) {
    let relative = String(decoding: group.path.drop { $0 == UInt8(ascii: "/") }, as: UTF8.self)
    guard
      let folder = try? openWithoutLinks(
        mount, relative.isEmpty ? "." : relative, O_RDONLY | O_DIRECTORY)
    else { return }
    func read(_ name: String) -> String? {
      guard
        let file = try? FileDescriptor.open(
          name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK, relativeTo: folder.raw),
        let bytes = try? file.read(upTo: 1 << 16)
      else { return nil }
      return String(decoding: bytes, as: UTF8.self)
    }
    group.shmem = read("memory.stat").flatMap(MemoryHierarchy.shmem(inStat:))
    group.limit = MemoryHierarchy.limit(
      read(group.version == 1 ? "memory.limit_in_bytes" : "memory.max"))
  }

  /// The folders of the v1 memory hierarchy and the v2 one, by version: a cgroup mount is the
  /// memory one if memory.stat is at its root.
  private static func hierarchies(_ table: MountInfo?) -> [Int: OpenFolder] {
    var found: [Int: OpenFolder] = [:]
    guard let table, let root = try? FileDescriptor.open("/", IPCSHIM_O_PATH | O_DIRECTORY) else {
      return found
    }
    for mount in table.mounts where mount.filesystem == "cgroup" || mount.filesystem == "cgroup2" {
      let version = mount.filesystem == "cgroup" ? 1 : 2
      guard found[version] == nil, table.mount(covering: mount.mountPoint)?.id == mount.id else {
        continue
      }
      let relative = String(
        decoding: mount.mountPoint.drop { $0 == UInt8(ascii: "/") }, as: UTF8.self)
      guard let folder = try? openWithoutLinks(root.raw, relative, O_RDONLY | O_DIRECTORY) else {
        continue
      }
      guard case .success = FileFacts.at(folder.raw, "memory.stat", following: false),
        case .success(let facts) = FileFacts.at(folder.raw, ".", following: false),
        facts.identity.device == UInt64(mount.device)
      else { continue }
      found[version] = OpenFolder(folder)
    }
    return found
  }
}

/// A folder's descriptor that can be kept in a collection, closed with its last reference.
final class OpenFolder {
  let descriptor: FileDescriptor

  init(_ descriptor: consuming FileDescriptor) { self.descriptor = descriptor }
}
