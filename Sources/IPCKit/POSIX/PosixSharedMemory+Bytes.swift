import Glibc

/// Reading a segment's bytes for `ipctool dump`, through the verified /dev/shm.
extension PosixSharedMemory {
  /// Opens the segment's file read-only (never through a link, never blocking on a FIFO put in
  /// its place), checks it is a regular file, maps it PROT_READ and copies the range.
  static func readBytes(_ name: IPCName, in inventory: Inventory, offset: Int, length: Int?)
    throws(DumpError) -> [UInt8]
  {
    let mapping: (address: UnsafeRawPointer?, size: Int)
    do throws(SystemError) {
      mapping = try map(name, in: try inventory.shmHandle())
    } catch {
      throw .system(error)
    }
    defer {
      if let address = mapping.address {
        Memory.unmap(UnsafeMutableRawPointer(mutating: address), size: mapping.size)
      }
    }
    let range = try SegmentBytes.range(offset: offset, length: length, size: mapping.size)
    guard let address = mapping.address, !range.isEmpty else { return [] }
    return Array(UnsafeRawBufferPointer(start: address + range.lowerBound, count: range.count))
  }

  /// The whole file mapped read-only (nil for an empty one); the mapping outlives the
  /// descriptor, closed here.
  private static func map(_ name: IPCName, in handle: ShmHandle) throws(SystemError)
    -> (address: UnsafeRawPointer?, size: Int)
  {
    let file = try open(name, in: handle)
    let status = try file.status()
    guard status.st_mode & S_IFMT == S_IFREG else {
      throw SystemError(call: "open", subject: name.description, code: .noSuchFileOrDirectory)
    }
    let size = Int(status.st_size)
    guard size > 0 else { return (nil, 0) }
    return (try ReadOnlyMapping.map(file.raw, size: size, subject: name.description), size)
  }

  /// The segment's file in the folder, read-only.
  private static func open(_ name: IPCName, in handle: ShmHandle) throws(SystemError)
    -> FileDescriptor
  {
    // The number crosses the closure (which returns copyable values only), owned again after.
    let raw: Result<CInt, Errno> = name.withFileNameCString(prefix: "") {
      switch handle.open($0, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY) {
      case .success(let file): .success(file.release())
      case .failure(let code): .failure(code)
      }
    }
    switch raw {
    case .success(let number): return FileDescriptor(raw: number)
    case .failure(let code): throw SystemError(call: "open", subject: name.description, code: code)
    }
  }
}
