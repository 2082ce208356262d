import Glibc

/// Mapping a POSIX object's file, as `shm_open` + `mmap` and `sem_open` do.
enum SharedMapping {
  /// Maps `size` bytes of the file `prefix` + name in `directory`, shared and writable.
  ///
  /// The corresponding C calls are `open(2)` and `mmap(2)`.
  static func map(
    _ name: IPCName, prefix: String = "", size: Int, in directory: String
  ) throws(SystemError) -> UnsafeMutableRawPointer {
    let folder = try FileDescriptor.open(directory, O_RDONLY | O_DIRECTORY)
    let file = try FileDescriptor.open(name, prefix: prefix, O_RDWR | O_NOFOLLOW, relativeTo: folder.raw)
    guard let address = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, file.raw, 0),
      address != MAP_FAILED
    else { throw SystemError(call: "mmap", subject: name.description, code: .current) }
    return address
  }

  /// The corresponding C call is `munmap(2)`.
  static func unmap(_ address: UnsafeMutableRawPointer, size: Int) {
    _ = munmap(address, size)
  }

  /// Removes the file's name; mappings keep working. Non-throwing: pi's reaper runs it after
  /// fork.
  static func unlinking(_ name: IPCName, prefix: String = "", in directory: String)
    -> Result<Void, Errno>
  {
    valueOrErrno {
      name.withFileNameCString(prefix: directory + "/" + prefix) { Glibc.unlink($0) }
    }.map { _ in () }
  }

  /// Whether the file has this name now.
  static func exists(_ name: IPCName, prefix: String = "", in directory: String) -> Bool {
    var status = stat()
    return name.withFileNameCString(prefix: directory + "/" + prefix) {
      lstat($0, &status) == 0
    }
  }
}
