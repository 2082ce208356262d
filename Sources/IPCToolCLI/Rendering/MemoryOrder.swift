import IPCKit

/// `memory --sort`: the order of the rows within each part of the table (a tmpfs's unlinked
/// files, the segments, the memfd and shared anonymous rows), of the processes, of the cgroups.
enum MemoryOrder: String, CaseIterable {
  /// Largest first (the default for all but segments, which keep their ids' order).
  case bytes
  /// By name: a memfd's or a file's, a segment's id, a process's command, a cgroup's path.
  case name
  /// By pid: a row's first holder, a process, a cgroup's first process.
  case pid

  static let choices = [
    Choice(value: "bytes", summary: "largest first"),
    Choice(value: "name", summary: "by name, segment id, command or cgroup path"),
    Choice(value: "pid", summary: "by the (first) holder's pid"),
  ]

  /// The account with its rows in this order (nil: as the engine gave them).
  static func apply(_ order: MemoryOrder?, to account: SharedMemoryAccount) -> SharedMemoryAccount {
    guard let order else { return account }
    var sorted = account
    sorted.segments.sort { left, right in
      switch order {
      case .bytes: return (left.resident ?? 0, right.id) > (right.resident ?? 0, left.id)
      case .name: return left.id < right.id
      case .pid:
        return (left.holders?.first?.pid ?? .max, left.id) < (
          right.holders?.first?.pid ?? .max, right.id
        )
      }
    }
    sorted.memfds.sort(by: files(order))
    sorted.anonymous.sort(by: files(order))
    for index in sorted.tmpfs.indices { sorted.tmpfs[index].unlinked.sort(by: files(order)) }
    return sorted
  }

  private static func files(_ order: MemoryOrder) -> (SharedFile, SharedFile) -> Bool {
    { left, right in
      switch order {
      case .bytes:
        return (left.allocated ?? 0, right.identity.inode) > (
          right.allocated ?? 0, left.identity.inode
        )
      case .name: return left.nameBytes.lexicographicallyPrecedes(right.nameBytes)
      case .pid:
        return (left.holders.first?.pid ?? .max, left.identity.inode) < (
          right.holders.first?.pid ?? .max, right.identity.inode
        )
      }
    }
  }

  func processes(_ rows: [ProcessHoldings]) -> [ProcessHoldings] {
    switch self {
    case .bytes: rows
    case .name:
      rows.sorted { left, right in
        guard left.process.commandBytes != right.process.commandBytes else {
          return left.process.pid < right.process.pid
        }
        return left.process.commandBytes.lexicographicallyPrecedes(right.process.commandBytes)
      }
    case .pid: rows.sorted { $0.process.pid < $1.process.pid }
    }
  }

  func cgroups(_ groups: [CgroupMemory]) -> [CgroupMemory] {
    switch self {
    case .bytes: groups
    case .name: groups.sorted { $0.path.lexicographicallyPrecedes($1.path) }
    case .pid:
      groups.sorted { ($0.processes.first?.pid ?? .max) < ($1.processes.first?.pid ?? .max) }
    }
  }
}
