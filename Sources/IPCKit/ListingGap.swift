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
  /// The mounted mqueue filesystem is another IPC namespace's (a process entered with
  /// `nsenter --ipc` but not `--mount`): its queues are not this namespace's.
  case queueMountOfAnotherNamespace(path: String)
  /// A context's queues were asked for from a thread outside its IPC namespace (a bug of the
  /// caller's: never listed from there).
  case queuesOfAnotherNamespace
  /// Whose the mounted mqueue filesystem is could not be proven (no queue there this user may
  /// open, and none could be made to compare with).
  case queueMountUnproven(path: String)
  /// /dev/shm (or IPCTOOL_SHM) is missing, not a directory, or not readable.
  case shmDirectoryUnreadable(path: String, code: Errno)
  /// /dev/shm was not entered: not a tmpfs, or not the one its mount table shows (`reason`).
  case shmRefused(path: String, reason: ShmRefusal)

  /// The kinds that were left out.
  public var kinds: [IPCKind] {
    switch self {
    case .queuesNotMounted, .queueDirectoryUnreadable, .privateQueueMountFailed,
      .queueMountOfAnotherNamespace, .queueMountUnproven, .queuesOfAnotherNamespace:
      [.posixQueue]
    case .shmDirectoryUnreadable, .shmRefused: IPCKind.allCases.filter(\.isFileInDevShm)
    }
  }
}
