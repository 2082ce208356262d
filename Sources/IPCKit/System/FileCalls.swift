import CIPCShims
import Glibc

/// The file calls beyond opening and reading, each wrapped once.
enum FileCalls {
  /// Looks `path` up below `directory` as `resolve` (RESOLVE_* bits) allows: with
  /// RESOLVE_IN_ROOT, never leaving it.
  ///
  /// The corresponding C call is `openat2(2)` (in CIPCShims: glibc has no wrapper).
  static func open(
    _ path: String, _ flags: CInt, below directory: CInt, resolve: UInt64
  ) -> Result<FileDescriptor, Errno> {
    valueOrErrno { ipcshim_openat2(directory, path, flags | O_CLOEXEC, resolve) }
      .map { FileDescriptor(raw: $0) }
  }

  /// Opens one name in the folder, never across a mount on it nor through a link.
  ///
  /// The corresponding C call is `openat2(2)` (in CIPCShims).
  static func open(_ name: UnsafePointer<CChar>, _ flags: CInt, inFolder directory: CInt)
    -> Result<FileDescriptor, Errno>
  {
    valueOrErrno { ipcshim_open_in_folder(directory, name, flags | O_CLOEXEC) }
      .map { FileDescriptor(raw: $0) }
  }

  /// A nameless regular file of `mode` in the folder, open for reading and writing.
  ///
  /// The corresponding C call is `openat(2)` with O_TMPFILE (in CIPCShims).
  static func openNameless(in directory: CInt, mode: mode_t, subject: String)
    throws(SystemError) -> FileDescriptor
  {
    FileDescriptor(
      raw: try retryingOnInterrupt("open", subject) { ipcshim_open_tmpfile_at(directory, mode) })
  }

  /// Removes `name` (behind `prefix`) from the folder.
  ///
  /// The corresponding C call is `unlinkat(2)`.
  static func unlink(_ name: IPCName, prefix: String = "", in directory: CInt)
    throws(SystemError)
  {
    try retryingOnInterrupt("unlink", name.description) {
      name.withFileNameCString(prefix: prefix) { unlinkat(directory, $0, 0) }
    }
  }

  /// Removes the file at `path` (behind `prefix`, then the name). Non-throwing: pi's reaper
  /// runs it after fork.
  ///
  /// The corresponding C call is `unlink(2)`.
  static func unlinking(_ name: IPCName, prefix: String) -> Result<Void, Errno> {
    valueOrErrno { name.withFileNameCString(prefix: prefix) { Glibc.unlink($0) } }
      .map { _ in () }
  }

  /// Gives the file at `source` (relative to `sourceDirectory`) the name `name` (behind
  /// `prefix`) in `directory`; EEXIST if the name is taken.
  ///
  /// The corresponding C call is `linkat(2)`.
  static func link(
    _ source: String, relativeTo sourceDirectory: CInt, flags: CInt, as name: IPCName,
    prefix: String, in directory: CInt
  ) -> Result<Void, Errno> {
    valueOrErrno {
      name.withFileNameCString(prefix: prefix) {
        linkat(sourceDirectory, source, directory, $0, flags)
      }
    }.map { _ in () }
  }

  /// Whether `path` exists (for this process's real ids).
  ///
  /// The corresponding C call is `access(2)` with F_OK.
  static func exists(_ path: String) -> Bool {
    access(path, F_OK) == 0
  }

  /// Where the link at `path` leads, as bytes, up to `limit` of them.
  ///
  /// The corresponding C call is `readlink(2)`.
  static func readLink(_ path: String, limit: Int = 256) -> Result<[UInt8], Errno> {
    var buffer = [UInt8](repeating: 0, count: limit)
    let count = buffer.withUnsafeMutableBytes { raw in
      valueOrErrno { readlink(path, raw.baseAddress!.assumingMemoryBound(to: CChar.self), limit) }
    }
    return count.map { Array(buffer.prefix($0)) }
  }

  /// Calls `body` with each entry of the folder `directory`, read through a description of
  /// its own (not a dup, whose offset the descriptor's other readers share), "." and ".."
  /// included.
  ///
  /// The corresponding C calls are `openat(2)`, `fdopendir(3)`, `readdir(3)` and `closedir(3)`.
  static func forEachEntry(
    of directory: CInt, subject: String, _ body: (UnsafeMutablePointer<dirent>) -> Void
  ) throws(SystemError) {
    let copy = try retryingOnInterrupt("open", subject) {
      openat(directory, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    }
    guard let stream = fdopendir(copy) else {
      let code = Errno.current
      Glibc.close(copy)
      throw SystemError(call: "opendir", code: code)
    }
    defer { closedir(stream) }
    while let entry = readdir(stream) { body(entry) }
  }
}

extension FileDescriptor {
  /// Sets the file's mode bits.
  ///
  /// The corresponding C call is `fchmod(2)`.
  func setMode(_ mode: mode_t) throws(SystemError) {
    try retryingOnInterrupt("fchmod") { fchmod(raw, mode) }
  }

  /// Writes all of `bytes`, resuming after short writes.
  ///
  /// The corresponding C call is `write(2)`.
  func write(_ bytes: [UInt8]) throws(SystemError) {
    let result = bytes.withUnsafeBytes { Descriptors.writeAll(raw, $0) }
    if case .failure(let code) = result { throw SystemError(call: "write", code: code) }
  }

  /// Gives the file `size` bytes of real pages, so a full file system fails here and not as
  /// SIGBUS later.
  ///
  /// The corresponding C call is `posix_fallocate(3)`.
  func allocate(_ size: UInt64) throws(SystemError) {
    guard size <= UInt64(Int64.max) else {
      throw SystemError(call: "fallocate", code: .fileTooLarge)
    }
    let result = posix_fallocate(raw, 0, off_t(size))
    if result != 0 { throw SystemError(call: "posix_fallocate", code: Errno(rawValue: result)) }
  }

  /// A second descriptor of the same open file, close-on-exec.
  ///
  /// The corresponding C call is `fcntl(2)` with F_DUPFD_CLOEXEC.
  func duplicate() throws(SystemError) -> FileDescriptor {
    FileDescriptor(raw: try retryingOnInterrupt("dup") { fcntl(raw, F_DUPFD_CLOEXEC, 0) })
  }

  /// Reads up to `buffer.count` bytes at `offset`, without moving the file's offset.
  ///
  /// The corresponding C call is `pread(2)`.
  func read(into buffer: UnsafeMutableRawBufferPointer, at offset: off_t) -> Result<Int, Errno> {
    valueOrErrno { pread(raw, buffer.baseAddress, buffer.count, offset) }
  }
}
