import CIPCShims
import Glibc

/// POSIX shared memory: a file in /dev/shm, which is all `shm_open(3)` is.
///
/// Working on the directory directly lets tests aim at a fixture tree and lets `create` build the
/// object completely before its name appears.
enum PosixSharedMemory {
  /// Creates a segment of `size` bytes, backed by real pages, or nothing at all.
  ///
  /// The file is made nameless (O_TMPFILE), sized with `posix_fallocate` so that a full /dev/shm
  /// fails here and not as SIGBUS later, and only then linked under its name. `linkat` fails if
  /// the name exists, so creation stays exclusive, and a kill halfway leaves nothing behind.
  static func create(
    _ name: IPCName, size: UInt64, permissions: IPCPermissions, in directory: String
  ) throws(IPCError) {
    try create(name, size: size, permissions: permissions, in: ShmHandle.plain(directory))
  }

  /// The same in a verified /dev/shm (see `ShmHandle.create`), or failing as it was refused.
  static func create(
    _ name: IPCName, size: UInt64, permissions: IPCPermissions,
    in folder: Result<ShmHandle, ListingGap>
  ) throws(IPCError) {
    let subject = "\(IPCKind.posixSharedMemory.rawValue):\(name)"
    let handle = try ShmHandle.required(folder, operation: "create", subject: subject)
    do throws(SystemError) {
      try handle.create(name, prefix: "", mode: permissions.rawValue, content: nil, size: size)
    } catch {
      let full = error.code == .noSpace || error.code == .fileTooLarge
      throw IPCError(
        operation: "create", subject: subject, error,
        hint: full ? noRoom(for: size, in: handle) : nil)
    }
  }

  /// Why `size` bytes found no room: a segment larger than the whole file system is not a
  /// full one (an empty but small /dev/shm), and the two are fixed differently.
  static func noRoom(for size: UInt64, in handle: ShmHandle) -> IPCError.Hint {
    let directory = handle.path
    guard let info = handle.space() else { return .shmFull(path: directory, free: nil) }
    let block = UInt64(info.f_frsize)
    let total = UInt64(info.f_blocks) * block
    if size > total { return .largerThanShm(path: directory, total: total) }
    return .shmFull(path: directory, free: UInt64(info.f_bavail) * block)
  }

  /// Gives a nameless file its name (behind `prefix`: "sem." for semaphores) in the folder
  /// behind `directory`; EEXIST if the name is taken.
  static func linkIntoPlace(
    _ file: borrowing FileDescriptor, as name: IPCName, prefix: String = "", in directory: CInt
  ) throws(SystemError) {
    let viaProc = FileCalls.link(
      "/proc/self/fd/\(file.raw)", relativeTo: AT_FDCWD, flags: AT_SYMLINK_FOLLOW, as: name,
      prefix: prefix, in: directory)
    guard case .failure(let code) = viaProc else { return }
    // No /proc (a minimal container): link the descriptor itself, which the kernel allows
    // with CAP_DAC_READ_SEARCH (root).
    guard code == .noSuchFileOrDirectory, !FileCalls.exists("/proc/self/fd") else {
      throw SystemError(call: "linkat", code: code)
    }
    let emptyPath: CInt = 0x1000  // AT_EMPTY_PATH
    try FileCalls.link(
      "", relativeTo: file.raw, flags: emptyPath, as: name, prefix: prefix, in: directory
    ).mapError { SystemError(call: "linkat", code: $0) }.get()
  }

  /// What stat tells about a segment.
  static func info(_ name: IPCName, status: stat) -> IPCObjectInfo {
    let details = PosixSegmentDetails(
      size: UInt64(max(status.st_size, 0)), residentBytes: UInt64(max(status.st_blocks, 0)) * 512,
      modified: status.st_mtim.tv_sec)
    return IPCObjectInfo(
      name, status, changed: status.st_ctim.tv_sec, details: .posixSharedMemory(details))
  }
}
