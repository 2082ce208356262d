import Glibc

/// A kind of object a listing could not read; the listing goes on without it. A value: the
/// command line words it.
public enum ListingGap: Sendable, Equatable {
  /// The mqueue filesystem is not mounted, and this user cannot mount it privately.
  case queuesNotMounted
  /// The queue directory named by IPCTOOL_MQUEUE could not be opened.
  case queueDirectoryUnreadable(path: String, code: Errno)
  /// The private mqueue mount was made but could not be read.
  case privateQueueMountFailed(code: Errno)
  /// /dev/shm (or IPCTOOL_SHM) is missing, not a directory, or not readable.
  case shmDirectoryUnreadable(path: String, code: Errno)

  /// The kinds that were left out.
  public var kinds: [IPCKind] {
    switch self {
    case .queuesNotMounted, .queueDirectoryUnreadable, .privateQueueMountFailed: [.posixQueue]
    case .shmDirectoryUnreadable: [.posixSharedMemory, .posixSemaphore]
    }
  }

  /// How an administrator mounts the mqueue filesystem where programs expect it.
  public static let mountCommand = "mount -t mqueue none /dev/mqueue"
}
