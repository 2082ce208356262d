/// The kinds of IPC object ipctool manages.
public enum IPCKind: String, CaseIterable, Sendable, Comparable {
  case posixQueue = "posix-mq"
  case sysvQueue = "sysv-mq"
  case posixSharedMemory = "posix-shm"
  case sysvSharedMemory = "sysv-shm"
  case posixSemaphore = "posix-sem"
  case sysvSemaphore = "sysv-sem"

  /// POSIX objects have a "/name"; System V ones a key and an id.
  public var isNamed: Bool {
    switch self {
    case .posixQueue, .posixSharedMemory, .posixSemaphore: true
    case .sysvQueue, .sysvSharedMemory, .sysvSemaphore: false
    }
  }

  /// Whether the kernel lets anyone see who uses an object of this kind: through open files and
  /// mappings (POSIX), or attachments (System V segments). For System V queues and semaphore sets
  /// it keeps no such record, so their users are not "none" but not knowable.
  public var hasKnowableUsers: Bool {
    self != .sysvQueue && self != .sysvSemaphore
  }

  /// A short phrase for help texts and completions.
  public var summary: String {
    switch self {
    case .posixQueue: "POSIX message queue"
    case .sysvQueue: "System V message queue"
    case .posixSharedMemory: "POSIX shared memory"
    case .sysvSharedMemory: "System V shared memory segment"
    case .posixSemaphore: "POSIX named semaphore"
    case .sysvSemaphore: "System V semaphore set"
    }
  }

  /// The longest name the kernel accepts: a file name, less glibc's "sem." prefix.
  public var maxNameLength: Int { self == .posixSemaphore ? 251 : 255 }

  /// Listing order: queues, shared memory, semaphores; POSIX before System V.
  public static func < (lhs: IPCKind, rhs: IPCKind) -> Bool { lhs.rank < rhs.rank }

  private var rank: Int {
    switch self {
    case .posixQueue: 0
    case .sysvQueue: 1
    case .posixSharedMemory: 2
    case .sysvSharedMemory: 3
    case .posixSemaphore: 4
    case .sysvSemaphore: 5
    }
  }
}
