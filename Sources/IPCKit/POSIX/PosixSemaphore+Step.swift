import Glibc

/// Posting and waiting on a named semaphore for `ipctool post` and `wait`, through its file in
/// the verified /dev/shm (as sem_open maps it), so that a target's semaphores work too.
extension PosixSemaphore {
  static func step(_ step: SemaphoreStep, _ name: IPCName, in inventory: Inventory, wait: MessageWait)
    throws(SemaphoreError) -> (before: Int, after: Int)
  {
    let size = MemoryLayout<sem_t>.size
    let address: UnsafeMutableRawPointer
    do throws(SystemError) {
      address = try map(name, in: try inventory.shmHandle(), size: size)
    } catch {
      throw .system(error)
    }
    defer { Memory.unmap(address, size: size) }
    let semaphore = address.assumingMemoryBound(to: sem_t.self)
    let before = SemaphoreStepCalls.value(semaphore)
    let result: Result<Void, TransferError> =
      switch step {
      case .post: SemaphoreStepCalls.post(semaphore).mapError { .system(SystemError(call: "", code: $0)) }
      case .wait:
        waiting(wait) { SemaphoreStepCalls.wait(semaphore, nonblocking: wait == .nonblock) }
      }
    if case .failure(let error) = result {
      throw SemaphoreError(error, call: step == .post ? "sem_post" : "sem_wait", subject: name.description)
    }
    return (before, SemaphoreStepCalls.value(semaphore))
  }

  /// The semaphore's file mapped shared and writable, as sem_open maps it: a regular file at
  /// least a sem_t long, opened without following a link.
  private static func map(_ name: IPCName, in handle: ShmHandle, size: Int) throws(SystemError)
    -> UnsafeMutableRawPointer
  {
    let raw: Result<CInt, Errno> = name.withFileNameCString(prefix: "sem.") {
      switch handle.open($0, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY) {
      case .success(let file): .success(file.release())
      case .failure(let code): .failure(code)
      }
    }
    let file: FileDescriptor
    switch raw {
    case .success(let number): file = FileDescriptor(raw: number)
    case .failure(let code): throw SystemError(call: "open", subject: name.description, code: code)
    }
    let status = try file.status()
    guard status.st_mode & S_IFMT == S_IFREG, Int(status.st_size) >= size else {
      throw SystemError(call: "open", subject: name.description, code: .invalidArgument)
    }
    return try Memory.mapShared(file.raw, size: size, subject: name.description)
  }
}
