/// The kinds of IPC object ipctool manages.
public enum IPCKind: String, CaseIterable, Sendable, Comparable {
  case posixQueue = "posix-mq"
  case sysvQueue = "sysv-mq"
  case posixSharedMemory = "posix-shm"
  case sysvSharedMemory = "sysv-shm"
  case posixSemaphore = "posix-sem"
  case sysvSemaphore = "sysv-sem"

  /// Which standard a kind comes from, and where its objects are kept.
  enum Family {
    /// A "/name" in the mqueue filesystem, which only mq_open reaches by name.
    case posixQueue
    /// A "/name" that is a file in /dev/shm, behind the family's `filePrefix` ("sem.").
    case posixFile(any ShmFileFamily.Type)
    /// A key and an id in the kernel's tables, read through the family's *ctl call.
    case systemV(any SysVFamily.Type)
  }

  /// What an object of the kind is for, whichever standard it comes from.
  public enum Mechanism: Int, Sendable {
    case messageQueue, sharedMemory, semaphore
  }

  /// Everything that sets one kind apart, in one place: the rest of the code asks these.
  struct Facts {
    let mechanism: Mechanism
    let family: Family
    /// Whether the kernel records who uses an object: see `hasKnowableUsers`.
    var knowableUsers = true
  }

  /// The kind table.
  var facts: Facts {
    switch self {
    case .posixQueue:
      Facts(mechanism: .messageQueue, family: .posixQueue)
    case .sysvQueue:
      Facts(
        mechanism: .messageQueue, family: .systemV(SysVMessageQueue.self), knowableUsers: false)
    case .posixSharedMemory:
      Facts(
        mechanism: .sharedMemory, family: .posixFile(PosixSharedMemory.self))
    case .sysvSharedMemory:
      Facts(
        mechanism: .sharedMemory, family: .systemV(SysVSharedMemory.self))
    case .posixSemaphore:
      Facts(
        mechanism: .semaphore, family: .posixFile(PosixSemaphore.self))
    case .sysvSemaphore:
      Facts(
        mechanism: .semaphore, family: .systemV(SysVSemaphoreSet.self), knowableUsers: false)
    }
  }

  /// POSIX objects have a "/name"; System V ones a key and an id.
  public var isNamed: Bool {
    if case .systemV = facts.family { return false }
    return true
  }

  /// Queue, shared memory or semaphore.
  public var mechanism: Mechanism { facts.mechanism }

  /// Whether its objects are files in /dev/shm (POSIX shared memory and named semaphores).
  public var isFileInDevShm: Bool { shmFilePrefix != nil }

  /// The kinds whose objects are files in /dev/shm.
  public static let shmFileKinds: Set<IPCKind> = Set(allCases.filter(\.isFileInDevShm))

  /// What glibc puts before the name of an object's file in /dev/shm ("sem." for a
  /// semaphore, "" for a segment); nil for kinds that are no file there.
  var shmFilePrefix: String? {
    if case .posixFile(let family) = facts.family { return family.filePrefix }
    return nil
  }

  /// Whether the kernel lets anyone see who uses an object of this kind: through open files and
  /// mappings (POSIX), or attachments (System V segments). For System V queues and semaphore sets
  /// it keeps no such record, so their users are not "none" but not knowable.
  public var hasKnowableUsers: Bool { facts.knowableUsers }

  /// The longest name the kernel accepts: a file name (255 bytes), less glibc's prefix.
  public var maxNameLength: Int { 255 - (shmFilePrefix?.utf8.count ?? 0) }

  /// Listing order: queues, shared memory, semaphores; POSIX before System V.
  public static func < (lhs: IPCKind, rhs: IPCKind) -> Bool { lhs.rank < rhs.rank }

  private var rank: Int { mechanism.rawValue * 2 + (isNamed ? 0 : 1) }
}
