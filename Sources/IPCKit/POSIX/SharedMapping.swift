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
    return try Memory.mapShared(file.raw, size: size, subject: name.description)
  }

  /// The corresponding C call is `munmap(2)`.
  static func unmap(_ address: UnsafeMutableRawPointer, size: Int) {
    Memory.unmap(address, size: size)
  }

  /// Removes the file's name; mappings keep working. Non-throwing: pi's reaper runs it after
  /// fork.
  static func unlinking(_ name: IPCName, prefix: String = "", in directory: String)
    -> Result<Void, Errno>
  {
    FileCalls.unlinking(name, prefix: directory + "/" + prefix)
  }

  /// Whether the file has this name now.
  static func exists(_ name: IPCName, prefix: String = "", in directory: String) -> Bool {
    name.withFileNameCString(prefix: directory + "/" + prefix) {
      (try? FileStatus.ofLink($0)) != nil
    }
  }
}
