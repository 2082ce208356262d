import Glibc

/// What the tool knows of Python's multiprocessing, whose `SharedMemory` a program may close
/// (unmap) and attach again later by name, with nothing in /proc to show it meanwhile. Every
/// segment a program creates is registered with the owner's resource tracker, a process that
/// lives as long as the program and unlinks what is left when the program ends: while a tracker
/// runs, the owner's POSIX segments and semaphores may be its program's. Which names it holds
/// lives only in the tracker's memory (a Python dict), so every one of the owner's POSIX
/// objects in the /dev/shm the tracker sees counts as held.
enum PythonMultiprocessing {
  static let application = "Python multiprocessing"
  static let role = "resource tracker"
  /// What the tracker's command line holds (Lib/multiprocessing/resource_tracker.py starts
  /// it with `-c 'from multiprocessing.resource_tracker import main;main(FD)'`).
  static let marker = Array("from multiprocessing.resource_tracker import main".utf8)

  /// The running trackers that see the /dev/shm on `shmDevice` (whatever their namespaces: a
  /// container's, under --target), by owner (the lowest pid of each). One whose mount table
  /// cannot be read may see it: counted, the side that keeps objects.
  static func trackers(proc: String, shmDevice: UInt64?) -> [uid_t: Holder] {
    var found: [uid_t: Holder] = [:]
    for pid in Processes.pids(proc: proc) {
      guard let file = try? FileDescriptor.open("\(proc)/\(pid)/cmdline", O_RDONLY),
        let arguments = try? file.read(upTo: 4096), contains(arguments, marker),
        let owner = try? FileDescriptor.open("\(proc)/\(pid)", O_RDONLY | O_DIRECTORY).status().st_uid,
        found[owner] == nil,
        MountInfo.read(pid: pid, proc: proc).map({ $0.shmDevice == shmDevice }) ?? true,
        let process = ProcessRef.reading(pid, proc: proc)
      else { continue }
      found[owner] = Holder(application: application, role: role, process: process)
    }
    return found
  }

  private static func contains(_ bytes: [UInt8], _ part: [UInt8]) -> Bool {
    guard bytes.count >= part.count else { return false }
    return (0...(bytes.count - part.count)).contains { bytes[$0..<($0 + part.count)].elementsEqual(part) }
  }
}
