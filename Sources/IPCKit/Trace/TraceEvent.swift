import Glibc

/// One IPC call a process made, as `ipctool trace` reports it: who, when, which call on which
/// object, and what the kernel answered.
public struct TraceEvent: Sendable, Equatable {
  /// The calls traced, named as their manual pages are.
  public enum Call: String, Sendable, CaseIterable {
    case shmOpen = "shm_open", shmUnlink = "shm_unlink", semOpen = "sem_open"
    case semUnlink = "sem_unlink", mqOpen = "mq_open", mqUnlink = "mq_unlink"
    case shmget, msgget, semget, shmctl, msgctl, semctl, shmat, shmdt
    /// An entry of /dev/shm or of the mqueue mount that appeared or went away, as fanotify saw
    /// it, made by no traced call (a program without a probed C library, or direct system calls:
    /// open with O_CREAT, link, rename, mq_open; unlink, rename).
    case fsCreate = "fs_create", fsDelete = "fs_delete"

    /// The kind of object the call acts on.
    public var kind: IPCKind {
      switch self {
      case .shmOpen, .shmUnlink, .fsCreate, .fsDelete: .posixSharedMemory
      case .semOpen, .semUnlink: .posixSemaphore
      case .mqOpen, .mqUnlink: .posixQueue
      case .shmget, .shmctl, .shmat, .shmdt: .sysvSharedMemory
      case .msgget, .msgctl: .sysvQueue
      case .semget, .semctl: .sysvSemaphore
      }
    }
  }

  /// What the call does to the object.
  public enum Action: String, Sendable, CaseIterable {
    /// A call that may create (O_CREAT, IPC_CREAT, IPC_PRIVATE): the kernel does not say whether
    /// it made the object or found it, unless the call was exclusive.
    case create
    case open
    case remove
    /// IPC_SET: owner or mode changed.
    case set
    case attach
    case detach
  }

  /// Where the event's facts came from.
  public enum Source: String, Sendable {
    /// A uprobe on the C library (name, flags, return value), with the errno from the
    /// syscall tracepoints of the same thread.
    case libc
    /// The syscall tracepoints alone (no name for POSIX queues called without the C library).
    case syscall
    /// fanotify on /dev/shm or the mqueue mount: the entry's name and the thread, no result.
    case fanotify
  }

  /// Wall-clock time of the call's return, in nanoseconds since the epoch.
  public var time: Int64
  /// The thread that called (the process, for a single-threaded one).
  public var pid: pid_t
  /// The kernel's name for it at the event, as bytes.
  public var comm: [UInt8]
  /// Its command line, read when the event was read; nil if it had ended by then.
  public var process: ProcessRef?
  /// The inode of its IPC namespace (/proc/PID/ns/ipc), read with the command line.
  public var ipcNamespace: UInt64?
  /// The container it runs in, named from its cgroup as `list -A` names them; nil for none.
  public var container: String?
  public var call: Call
  public var action: Action
  public var source: Source
  /// A POSIX name as the caller passed it, bytes; nil for System V, or where it is not known.
  public var name: [UInt8]?
  /// System V: the key asked for (get calls) and the id (the result of a get, the argument
  /// of ctl and shmat, or found for shmdt from an earlier shmat of the same thread).
  public var key: Int32?
  public var id: Int32?
  /// The call's flags (open flags, IPC_CREAT...), or the ctl command.
  public var flags: UInt64?
  /// What the call returned: a descriptor, an id, an address, 0; nil when it failed.
  public var result: Int64?
  /// Why it failed; nil on success, or when the failure's errno was not seen.
  public var error: Errno?
  /// Whether it failed (result nil).
  public var failed: Bool

  /// The kind of an entry fanotify saw ("sem." files are semaphores; the mqueue mount's are
  /// queues); nil for calls, whose kind is their call's.
  public var fileKind: IPCKind? = nil

  public var kind: IPCKind { fileKind ?? call.kind }

  /// The object's name for a reference: the caller's bytes less their leading slashes, as the
  /// C library reads them.
  public var objectName: [UInt8]? {
    name.map { Array($0.drop { $0 == UInt8(ascii: "/") }) }
  }
}
