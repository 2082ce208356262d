import Glibc

/// kill(pid, 0): whether a process still exists.
enum ProcessCalls {
  /// Whether a process with this pid exists (one we may not signal exists too).
  ///
  /// The corresponding C call is `kill(pid, 0)`.
  static func exists(_ pid: pid_t) -> Bool {
    switch valueOrErrno({ kill(pid, 0) }) {
    case .success: return true
    case .failure(let code): return code != .noSuchProcess
    }
  }

  /// The clock trace timestamps are read on (CLOCK_MONOTONIC), in nanoseconds, and the wall
  /// clock at the same moment, to turn the one into the other.
  ///
  /// The corresponding C call is `clock_gettime(2)`.
  static func clocks() -> (monotonic: Int64, wall: Int64) {
    var mono = timespec()
    var wall = timespec()
    clock_gettime(CLOCK_MONOTONIC, &mono)
    clock_gettime(CLOCK_REALTIME, &wall)
    return (Int64(mono.tv_sec) * 1_000_000_000 + Int64(mono.tv_nsec),
      Int64(wall.tv_sec) * 1_000_000_000 + Int64(wall.tv_nsec))
  }
}

extension ProcessCalls {
  /// The inode of the IPC namespace process `pid` is in (the number in /proc/PID/ns/ipc's
  /// "ipc:[N]"); nil once it is gone. A stat of the namespace file, never a path under its root.
  ///
  /// The corresponding C call is `stat(2)`.
  static func ipcNamespace(of pid: pid_t, proc: String) -> UInt64? {
    var info = stat()
    guard case .success = valueOrErrno({ stat("\(proc)/\(pid)/ns/ipc", &info) }) else { return nil }
    return UInt64(info.st_ino)
  }
}

extension ProcessCalls {
  /// The inode of the pid namespace this process is in (/proc/self/ns/pid), nil if unreadable.
  ///
  /// The corresponding C call is `stat(2)`.
  static func ownPidNamespace(proc: String) -> UInt64? {
    var info = stat()
    guard case .success = valueOrErrno({ stat("\(proc)/self/ns/pid", &info) }) else { return nil }
    return UInt64(info.st_ino)
  }

  /// The initial pid namespace's inode, fixed by the kernel (PROC_PID_INIT_INO, 0xEFFFFFFC,
  /// include/linux/proc_ns.h): known without reading /proc/1, which root may be denied.
  static let initialPidNamespace: UInt64 = 0xEFFF_FFFC
}
