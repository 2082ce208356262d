import CIPCShims
import Glibc

/// POSIX named semaphores: glibc keeps each one as the file "sem.NAME" in /dev/shm.
enum PosixSemaphore {
  static let filePrefix = "sem."

  /// Whether a /dev/shm file name is a semaphore's: the prefix and at least one byte more.
  static func isSemaphoreFile(_ name: UnsafePointer<CChar>, length: Int) -> Bool {
    let prefixLength = filePrefix.utf8.count
    return length > prefixLength && filePrefix.withCString { strncmp(name, $0, prefixLength) == 0 }
  }

  /// Creates a semaphore with an initial value, all at once, as `sem_open(3)` would.
  ///
  /// glibc's own `sem_init` lays out the value; the file is written nameless and linked under
  /// its name only when complete, so an existing name fails and a kill leaves nothing.
  static func create(
    _ name: IPCName, value: UInt32, permissions: IPCPermissions, in directory: String
  ) throws(IPCError) {
    try create(name, value: value, permissions: permissions, in: ShmHandle.plain(directory))
  }

  /// The same in a verified /dev/shm (see `ShmHandle.create`), or failing as it was refused.
  static func create(
    _ name: IPCName, value: UInt32, permissions: IPCPermissions,
    in folder: Result<ShmHandle, ListingGap>
  ) throws(IPCError) {
    let subject = "\(IPCKind.posixSemaphore.rawValue):\(name)"
    guard value <= UInt32(Int32.max) else {
      throw IPCError(
        operation: "create", subject: subject,
        reason: .valueAboveSemValueMax(value), code: .invalidArgument)
    }
    let handle = try ShmHandle.required(folder, operation: "create", subject: subject)
    do throws(SystemError) {
      var semaphore = try SemaphoreCalls.initialized(value: value)
      let content = withUnsafeBytes(of: &semaphore) { Array($0) }
      try handle.create(
        name, prefix: filePrefix, mode: permissions.rawValue, content: content, size: 0)
    } catch {
      let hint = error.code == .noSpace ? IPCError.Hint.shmFull(path: handle.path, free: nil) : nil
      throw IPCError(operation: "create", subject: subject, error, hint: hint)
    }
  }

  /// What stat tells, with the value if it could be read.
  static func info(_ name: IPCName, status: stat, value: UInt32?) -> IPCObjectInfo {
    IPCObjectInfo(
      name, status, changed: status.st_ctim.tv_sec,
      details: .posixSemaphore(PosixSemaphoreDetails(value: value, modified: status.st_mtim.tv_sec)))
  }

  /// The value in an open semaphore file.
  ///
  /// Read with pread into a private copy, never through a mapping, so a truncated or empty
  /// file gives "unknown" instead of SIGBUS.
  static func readValue(_ file: borrowing FileDescriptor) -> UInt32? {
    // Straight into a private sem_t: thousands of these in a listing, no allocation.
    var semaphore = sem_t()
    let size = MemoryLayout<sem_t>.size
    let count = withUnsafeMutableBytes(of: &semaphore) { file.read(into: $0, at: 0) }
    guard case .success(size) = count, let value = SemaphoreCalls.value(of: &semaphore),
      value >= 0
    else { return nil }
    return UInt32(value)
  }
}

/// Waiting on and posting a mapped semaphore. Non-throwing: they run in forked workers.
extension PosixSemaphore {
  /// The corresponding C call is `sem_wait(3)`.
  static func wait(_ semaphore: UnsafeMutablePointer<sem_t>) -> Result<Void, Errno> {
    SemaphoreCalls.wait(semaphore)
  }

  /// The corresponding C call is `sem_post(3)`.
  static func post(_ semaphore: UnsafeMutablePointer<sem_t>) -> Result<Void, Errno> {
    SemaphoreCalls.post(semaphore)
  }
}
