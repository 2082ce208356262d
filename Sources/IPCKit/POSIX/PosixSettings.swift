import CIPCShims
import Glibc

/// fchmod/fchown for `ipctool set` on POSIX objects, always on a descriptor: segments and
/// semaphores opened in the verified /dev/shm without following a link, queues through
/// mq_open. Opening for reading needs the read bit, as the owner of a 0200 object lacks.
enum PosixSettings {
  static func apply(_ settings: ObjectSettings, to name: IPCName, kind: IPCKind, in inventory: Inventory)
    throws(SystemError)
  {
    switch kind {
    case .posixQueue:
      let queue: mqd_t
      switch MessageQueueCalls.open(name, O_RDONLY | O_CLOEXEC | O_NONBLOCK) {
      case .success(let opened): queue = opened
      case .failure(let code): throw SystemError(call: "mq_open", subject: name.description, code: code)
      }
      defer { MessageQueueCalls.close(queue) }
      try change(queue, settings, name)
    case .posixSharedMemory, .posixSemaphore:
      let handle = try inventory.shmHandle()
      let prefix = kind == .posixSemaphore ? "sem." : ""
      let opened: Result<CInt, Errno> = name.withFileNameCString(prefix: prefix) {
        switch handle.open($0, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY) {
        case .success(let file): .success(file.release())
        case .failure(let code): .failure(code)
        }
      }
      let file: FileDescriptor
      switch opened {
      case .success(let number): file = FileDescriptor(raw: number)
      case .failure(let code): throw SystemError(call: "open", subject: name.description, code: code)
      }
      let status = try file.status()
      guard status.st_mode & S_IFMT == S_IFREG else {
        throw SystemError(call: "open", subject: name.description, code: .invalidArgument)
      }
      try change(file.raw, settings, name)
    default:
      preconditionFailure("not a POSIX kind")
    }
  }

  /// The owner first: a caller allowed to change it may change the mode as well.
  private static func change(_ descriptor: CInt, _ settings: ObjectSettings, _ name: IPCName)
    throws(SystemError)
  {
    if settings.uid != nil || settings.gid != nil {
      try OwnershipCalls.setOwner(descriptor, uid: settings.uid ?? uid_t.max, gid: settings.gid ?? gid_t.max)
        .mapError { SystemError(call: "fchown", subject: name.description, code: $0) }.get()
    }
    if let mode = settings.permissions {
      try OwnershipCalls.setMode(descriptor, mode.rawValue)
        .mapError { SystemError(call: "fchmod", subject: name.description, code: $0) }.get()
    }
  }
}
