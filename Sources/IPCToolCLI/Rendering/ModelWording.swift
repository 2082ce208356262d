import IPCKit

// The short phrases help, completions and tables give the library's values: kinds, the words
// that select several kinds, pi's mechanisms, the holder of an object.

extension IPCKind {
  /// "POSIX message queue": a short phrase for help texts and completions.
  var summary: String {
    switch self {
    case .posixQueue: "POSIX message queue"
    case .sysvQueue: "System V message queue"
    case .posixSharedMemory: "POSIX shared memory"
    case .sysvSharedMemory: "System V shared memory segment"
    case .posixSemaphore: "POSIX named semaphore"
    case .sysvSemaphore: "System V semaphore set"
    }
  }
}

extension IPCKindGroup {
  /// "every POSIX kind": what `--kind WORD` selects.
  var summary: String {
    switch self {
    case .posix: "every POSIX kind"
    case .sysv: "every System V kind"
    case .mq: "both kinds of message queue"
    case .shm: "both kinds of shared memory"
    case .sem: "both kinds of semaphore"
    case .all: "every kind"
    }
  }
}

extension PiMechanism {
  /// "one pipe shared by all workers": how pi's workers send their sums.
  var summary: String {
    switch self {
    case .pipe: "one pipe shared by all workers"
    case .socketpair: "a Unix socketpair per worker"
    case .posixQueue: "a POSIX message queue"
    case .sysvQueue: "a System V message queue"
    case .posixSharedMemory: "POSIX shared memory guarded by a POSIX named semaphore"
    case .sysvSharedMemory: "System V shared memory guarded by a System V semaphore (SEM_UNDO)"
    }
  }
}

extension Holder {
  /// "PostgreSQL, postmaster 4242", or "PostgreSQL, postmaster 4242 (gone)".
  var description: String {
    if let process { return "\(application), \(role) \(process.pid)" }
    return "\(application), \(role)" + (formerPID.map { " \($0)" } ?? "") + " (gone)"
  }
}
