import Glibc

/// What each POSIX family (queues, shared memory, named semaphores) does, beside
/// `SysVFamily`: code that works on any of them asks the family of the kind once instead of
/// switching on it. Creation takes each family's own settings (`ObjectSpec`); listing reads
/// the mqueue filesystem, or /dev/shm for both file families at once (`ShmDirectory`).
protocol PosixFamily {
  static var kind: IPCKind { get }
  /// The object that has this name now, with every detail the kernel gives; nil if this kind
  /// has no such name (or what has it is no object: a link, a folder, a file mounted over it).
  static func find(_ name: IPCName, in inventory: Inventory) throws(SystemError) -> IPCObjectInfo?
  /// Removes the name; open descriptors and mappings keep working.
  static func remove(_ name: IPCName, in inventory: Inventory) throws(SystemError)
}

/// The two POSIX families that are files in /dev/shm, behind glibc's prefix.
protocol ShmFileFamily: PosixFamily {
  /// What glibc puts before the name: "sem." for semaphores, "" for segments.
  static var filePrefix: String { get }
}

extension ShmFileFamily {
  static func find(_ name: IPCName, in inventory: Inventory) throws(SystemError) -> IPCObjectInfo? {
    let handle = try inventory.shmHandle()
    let found = name.withFileNameCString(prefix: filePrefix) { file -> Result<stat, Errno> in
      handle.isMountedOver(file) ? .failure(.noSuchFileOrDirectory) : handle.status(of: file)
    }
    let status = try found.mapError {
      SystemError(call: "stat", subject: name.description, code: $0)
    }.get()
    // Not an object (a link, a folder, a FIFO, a file mounted over the name): not found. Only
    // a regular file is opened to read a semaphore's value (a FIFO's writer would notice).
    guard status.st_mode & S_IFMT == S_IFREG else { return nil }
    return object(name, in: handle, withValue: true)
  }

  /// The object behind the name's file in the verified folder, read now; nil if it is gone or
  /// is no object.
  static func object(_ name: IPCName, in handle: ShmHandle, withValue: Bool) -> IPCObjectInfo? {
    name.withFileNameCString(prefix: filePrefix) {
      ShmDirectory.object(
        fileName: $0, isSemaphore: Self.self == PosixSemaphore.self, in: handle,
        withValue: withValue)
    }
  }

  static func remove(_ name: IPCName, in inventory: Inventory) throws(SystemError) {
    try inventory.shmHandle().unlink(name, prefix: filePrefix)
  }
}

extension PosixSharedMemory: ShmFileFamily {
  static var kind: IPCKind { .posixSharedMemory }
  static var filePrefix: String { "" }
}

extension PosixSemaphore: ShmFileFamily {
  static var kind: IPCKind { .posixSemaphore }
}

extension PosixMessageQueue: PosixFamily {
  static var kind: IPCKind { .posixQueue }

  /// Through the mqueue filesystem where it can be had (a queue the caller may not open still
  /// shows what stat tells), else by mq_open.
  static func find(_ name: IPCName, in inventory: Inventory) throws(SystemError) -> IPCObjectInfo? {
    let seen = inventory.context.queues.withDirectory { directory -> Result<IPCObjectInfo?, SystemError> in
      do throws(SystemError) {
        _ = try FileStatus.at(directory.raw, name)
        return .success(info(name, in: directory))
      } catch {
        return .failure(error)
      }
    }
    if case .success(let found) = seen { return try found.get() }
    let queue = try Self.open(name)
    return try info(name, queue: queue)
  }

  static func remove(_ name: IPCName, in inventory: Inventory) throws(SystemError) {
    try Self.unlink(name)
  }

  /// Every queue in the mqueue filesystem whose name starts with `namePrefix`, in byte order.
  static func list(in directory: borrowing FileDescriptor, namePrefix: [UInt8]?)
    -> [IPCObjectInfo]
  {
    guard var entries = try? directory.directoryEntries() else { return [] }
    if let namePrefix {
      entries = entries.filter { IPCName(fileName: $0.name).hasPrefix(namePrefix) }
    }
    return entries.sorted { $0.name.lexicographicallyPrecedes($1.name) }.compactMap { entry in
      info(IPCName(fileName: entry.name), in: directory)
    }
  }

  /// A queue seen through the mqueue filesystem: in full if readable, else what stat shows.
  static func info(_ name: IPCName, in directory: borrowing FileDescriptor) -> IPCObjectInfo? {
    if let queue = try? FileDescriptor.open(
      name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW, relativeTo: directory.raw),
      let info = try? info(name, queue: queue)
    {
      return info
    }
    guard let status = try? FileStatus.at(directory.raw, name) else {
      return nil  // vanished
    }
    return info(name, status: status)
  }
}

extension IPCKind {
  /// The POSIX family of this kind (from the kind table); nil for System V kinds.
  var posixFamily: (any PosixFamily.Type)? {
    switch facts.family {
    case .posixQueue: PosixMessageQueue.self
    case .posixFile(let family): family
    case .systemV: nil
    }
  }
}
