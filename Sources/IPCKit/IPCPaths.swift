import Glibc

/// Where the kernel shows IPC objects. Tests point these at fixture trees.
public struct IPCPaths: Sendable {
  /// procfs: sysvipc/ and sys/fs/mqueue/ below it.
  public var proc: String
  /// The tmpfs glibc keeps POSIX shared memory and semaphores in.
  public var shm: String
  /// The mqueue filesystem; nil means find it in the mount table, or mount it privately.
  public var mqueue: String?
  /// `shm` opened and verified once (see `ShmHandle`), or why it was not; nil: `shm` is a
  /// folder to open as given (a test's fixture, IPCTOOL_SHM).
  public var shmAccess: Result<ShmHandle, ListingGap>?

  public init(
    proc: String = "/proc", shm: String = "/dev/shm", mqueue: String? = nil,
    shmAccess: Result<ShmHandle, ListingGap>? = nil
  ) {
    self.proc = proc
    self.shm = shm
    self.mqueue = mqueue
    self.shmAccess = shmAccess
  }

  /// The paths a process `pid` sees: its /dev/shm opened inside its root and verified; its
  /// queues are read through a mount made in its IPC namespace (none named here).
  public static func target(_ pid: pid_t, proc: String = "/proc") -> IPCPaths {
    let access = ShmHandle.open(pid: pid, proc: proc)
    let path = (try? access.get())?.path ?? "\(proc)/\(pid)/root/dev/shm"
    return IPCPaths(proc: proc, shm: path, mqueue: nil, shmAccess: access)
  }

  /// The /dev/shm to work in: the verified handle, or the folder opened now.
  public func openShm() -> Result<ShmHandle, ListingGap> {
    shmAccess ?? ShmHandle.plain(shm)
  }

  /// The device of /dev/shm, from its descriptor (nil when it could not be opened).
  public var shmDevice: UInt64? { (try? openShm().get())?.device }

  /// A number from a /proc/sys file, such as "fs/mqueue/msg_max"; nil if unreadable.
  public func kernelSetting(_ path: String) -> UInt64? {
    guard let text = readTextFile(proc + "/sys/" + path) else { return nil }
    return UInt64(text.split(whereSeparator: \.isWhitespace).first ?? "")
  }
}
