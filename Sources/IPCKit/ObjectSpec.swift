/// What `create` makes: a kind and the settings that kind takes.
public enum ObjectSpec: Sendable {
  case posixQueue(IPCName, maxMessages: Int?, messageSize: Int?)
  case posixSharedMemory(IPCName, size: UInt64)
  case posixSemaphore(IPCName, value: UInt32)
  case sysvQueue(key: Int32?)
  case sysvSharedMemory(key: Int32?, size: UInt64)
  case sysvSemaphore(key: Int32?, count: Int32, value: Int32)
}

extension Inventory {
  /// Creates one object exclusively (an existing one is an error, never reused) and returns
  /// the reference that names it. On failure nothing is left behind.
  public func create(_ spec: ObjectSpec, permissions: IPCPermissions) throws(IPCError)
    -> IPCReference
  {
    switch spec {
    case .posixQueue(let name, let maxMessages, let messageSize):
      try PosixMessageQueue.create(
        name, maxMessages: maxMessages, messageSize: messageSize, permissions: permissions,
        paths: paths)
      return .named(name, kind: .posixQueue)
    case .posixSharedMemory(let name, let size):
      try PosixSharedMemory.create(name, size: size, permissions: permissions, in: paths.openShm())
      return .named(name, kind: .posixSharedMemory)
    case .posixSemaphore(let name, let value):
      try PosixSemaphore.create(name, value: value, permissions: permissions, in: paths.openShm())
      return .named(name, kind: .posixSemaphore)
    case .sysvQueue(let key):
      let id = try SysVMessageQueue.create(key: key, permissions: permissions, paths: paths)
      return .sysvID(.sysvQueue, id)
    case .sysvSharedMemory(let key, let size):
      let id = try SysVSharedMemory.create(
        key: key, size: size, permissions: permissions, paths: paths)
      return .sysvID(.sysvSharedMemory, id)
    case .sysvSemaphore(let key, let count, let value):
      let id = try SysVSemaphoreSet.create(
        key: key, count: count, value: value, permissions: permissions, paths: paths)
      return .sysvID(.sysvSemaphore, id)
    }
  }
}
