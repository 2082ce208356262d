/// One file of shared memory found through the processes that hold it, counted once however
/// many hold it: a memfd, a shared anonymous region, or a tmpfs file whose every name is gone.
public struct SharedFile: Sendable, Equatable {
  public enum Kind: String, Sendable, CaseIterable {
    /// memfd_create(2): "/memfd:NAME (deleted)" in maps and fd.
    case memfd
    /// mmap(MAP_SHARED | MAP_ANONYMOUS), shared with the children forked since:
    /// "/dev/zero (deleted)" in maps.
    case sharedAnonymous = "shared-anon"
    /// A file of a tmpfs mount, unlinked while a process still maps it or holds it open.
    case unlinked
  }

  public var kind: Kind
  public var identity: FileIdentity
  /// The path maps or fd shows, as bytes ("/memfd:frames (deleted)"): the holder chose it.
  public var pathBytes: [UInt8]
  /// Pages it holds, resident or swapped (st_blocks); nil when it could not be asked (only
  /// root may follow /proc/PID/map_files).
  public var allocated: UInt64?
  /// Its size (st_size); for a region known only by its mappings, the largest of them.
  public var size: UInt64?
  /// Every process that maps it or has it open, in pid order.
  public var holders: [ProcessRef]

  /// The memfd's name without "/memfd:" and " (deleted)"; the path for the other kinds.
  public var nameBytes: [UInt8] {
    var bytes = pathBytes[...]
    let memfd = Array("/memfd:".utf8)
    let deleted = Array(" (deleted)".utf8)
    if kind == .memfd, bytes.starts(with: memfd) { bytes = bytes.dropFirst(memfd.count) }
    if bytes.count >= deleted.count, bytes.suffix(deleted.count).elementsEqual(deleted) {
      bytes = bytes.dropLast(deleted.count)
    }
    return Array(bytes)
  }
}

/// One System V segment as /proc/sysvipc/shm counts its pages.
public struct SegmentMemory: Sendable, Equatable {
  public var id: Int32
  public var key: Int32
  /// Its IPC namespace's inode, and the container that namespace belongs to ("host" for the
  /// initial one).
  public var namespace: UInt64?
  public var container: String?
  public var size: UInt64
  /// Pages in RAM (part of meminfo's Shmem) and in swap.
  public var resident: UInt64?
  public var swapped: UInt64?
  /// Attachments the kernel counts.
  public var attached: UInt64
  /// IPC_RMID was called: it goes when the last process detaches.
  public var markedForRemoval: Bool
  /// The processes whose maps show it attached; nil when some process could not be read and
  /// the kernel counts more attachments than were found.
  public var holders: [ProcessRef]?
}

/// One tmpfs file system, as statfs counts it: every page of every file on it, named or not.
public struct TmpfsUsage: Sendable, Equatable {
  /// Where it is mounted (bytes: a mount point may hold any); in another mount namespace,
  /// where its process sees it ("/dev/shm").
  public var mountPoint: [UInt8]
  public var device: UInt64
  /// Its size limit and the pages its files hold, resident or swapped; nil where it could not
  /// be measured (see `gap`).
  public var size: UInt64?
  public var used: UInt64?
  /// A /dev/shm seen only by processes of another mount namespace (a container's): the first
  /// of them.
  public var seenThrough: ProcessRef?
  /// For a /dev/shm: its POSIX objects (shared memory and semaphores) and the pages they hold.
  public var posixObjects: Int?
  public var posixBytes: UInt64?
  /// Its files whose names are gone while a process holds them.
  public var unlinked: [SharedFile] = []
  /// Why it was not measured, as a value: the CLI words it.
  public var gap: Gap?

  public enum Gap: Sendable, Equatable {
    /// A FUSE or network mount lies on the way to it: never walked.
    case behindStallingMount(String)
    case unreachable(Errno)
    /// statfs reports no size (a tmpfs mounted with size=0 has no limit and counts nothing).
    case uncounted
  }

  public var isDevShm: Bool { mountPoint == Array("/dev/shm".utf8) }
}
