/// The System V segments of one IPC namespace with the pages each holds, from
/// /proc/sysvipc/shm (its rss and swap columns, in bytes): no segment is attached or walked.
enum SegmentTable {
  /// SHM_DEST in the mode the table prints: IPC_RMID was called while attached.
  static let markedForRemoval: UInt32 = 0o1000

  /// Every segment, by id; empty if the table cannot be read.
  static func read(proc: String) -> [SegmentMemory] {
    parse(SysVProcTable(paths: IPCPaths(proc: proc), name: "shm"))
  }

  static func parse(_ table: SysVProcTable) -> [SegmentMemory] {
    let id = table.column("shmid")
    let key = table.column("key")
    let perms = table.column("perms")
    let size = table.column("size")
    let attached = table.column("nattch")
    let rss = table.column("rss")
    let swap = table.column("swap")
    return table.rowsSorted(by: id).compactMap { row in
      guard let shmid: Int32 = row.number(id), let key: Int32 = row.number(key),
        let mode = row.octal(perms), let bytes: UInt64 = row.number(size)
      else { return nil }
      return SegmentMemory(
        id: shmid, key: key, namespace: nil, container: nil, size: bytes, resident: row.number(rss),
        swapped: row.number(swap),
        attached: row.number(attached) ?? 0, markedForRemoval: mode & markedForRemoval != 0,
        holders: nil)
    }
  }
}
