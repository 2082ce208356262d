import Glibc
import Synchronization

/// Who runs processes that see a given /dev/shm: every process whose mount namespace has that
/// same tmpfs at /dev/shm, whatever its IPC namespace. POSIX shared memory and semaphores are
/// files there, so any of them may hold one; an IPC namespace is no boundary for them.
///
/// Decided from mount tables only (one read per mount namespace), never by looking into a
/// process's root. Counted once, on first use, then shared by a clean's threads.
public final class ShmSharers: Sendable {
  private let device: UInt64?
  private let proc: String
  private let counts = Mutex<[uid_t: Int]?>(nil)

  /// For the /dev/shm of `paths` (its verified device).
  public init(paths: IPCPaths) {
    device = paths.shmDevice
    proc = paths.proc
  }

  /// How many processes `owner` runs that see this /dev/shm, besides the caller and those
  /// that started it.
  public func processes(ofOwner owner: uid_t) -> Int {
    counts.withLock { counts in
      if counts == nil { counts = count() }
      return counts?[owner] ?? 0
    }
  }

  private func count() -> [uid_t: Int] {
    guard let device,
      let folder = try? FileDescriptor.open(proc, O_RDONLY | O_DIRECTORY),
      let entries = try? folder.directoryEntries()
    else { return [:] }
    let mine = Processes.ancestry(proc: proc)
    var seesIt: [UInt64: Bool] = [:]  // by mount namespace
    var byOwner: [uid_t: Int] = [:]
    for entry in entries {
      guard let pid = pid_t(String(decoding: entry.name, as: UTF8.self)), !mine.contains(pid)
      else { continue }
      // gone
      guard let process = try? FileStatus.at(folder.raw, String(pid), followingLinks: true)
      else { continue }
      let namespace = Result { () throws(SystemError) in
        try FileStatus.of("\(proc)/\(pid)/ns/mnt")
      }
      // A zombie has no namespaces left and holds nothing; a hidden one may hold anything.
      if case .failure(let error) = namespace, !error.code.isPermissionDenied { continue }
      let mountNamespace = try? namespace.get().st_ino
      let sees: Bool
      if let mountNamespace, let answer = seesIt[UInt64(mountNamespace)] {
        sees = answer
      } else {
        // A table that cannot be read may show it: counted, the side that keeps objects.
        let table = MountInfo.read(pid: pid, proc: proc)
        sees = table.map { $0.shmDevice == device } ?? true
        if let mountNamespace, table != nil { seesIt[UInt64(mountNamespace)] = sees }
      }
      if sees { byOwner[process.st_uid, default: 0] += 1 }
    }
    return byOwner
  }
}
