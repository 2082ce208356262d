import Glibc

/// An open file descriptor that closes itself.
struct FileDescriptor: ~Copyable {
  let raw: CInt

  init(raw: CInt) { self.raw = raw }

  deinit { close(raw) }

  /// Gives up ownership: the number is returned, and nothing is closed.
  consuming func release() -> CInt {
    let number = raw
    discard self
    return number
  }

  /// Opens `path`, relative to `directory` when it is not absolute.
  static func open(
    _ path: String, _ flags: CInt, relativeTo directory: CInt = AT_FDCWD, mode: mode_t = 0
  ) throws(SystemError) -> FileDescriptor {
    let fd = try retryingOnInterrupt("open", path) {
      openat(directory, path, flags | O_CLOEXEC, mode)
    }
    return FileDescriptor(raw: fd)
  }

  /// Opens a POSIX object's file (behind `prefix`: "sem." for semaphores) in `directory`.
  static func open(
    _ name: IPCName, prefix: String = "", _ flags: CInt, relativeTo directory: CInt
  ) throws(SystemError) -> FileDescriptor {
    let fd = try retryingOnInterrupt("open", name.description) {
      name.withFileNameCString(prefix: prefix) { openat(directory, $0, flags | O_CLOEXEC, 0) }
    }
    return FileDescriptor(raw: fd)
  }

  func status() throws(SystemError) -> stat {
    var info = stat()
    try retryingOnInterrupt("fstat") { fstat(raw, &info) }
    return info
  }

  /// Reads up to `limit` bytes from the current offset; short files give short answers.
  func read(upTo limit: Int) throws(SystemError) -> [UInt8] {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: min(limit, 1 << 16))
    while bytes.count < limit {
      let wanted = min(chunk.count, limit - bytes.count)
      let count = try retryingOnInterrupt("read") {
        chunk.withUnsafeMutableBytes { Glibc.read(raw, $0.baseAddress!, wanted) }
      }
      if count == 0 { break }
      bytes.append(contentsOf: chunk[0..<count])
    }
    return bytes
  }

  /// The names in this directory, without "." and "..".
  func directoryEntries() throws(SystemError) -> [(name: [UInt8], type: UInt8)] {
    let copy = try retryingOnInterrupt("dup") { dup(raw) }
    guard let stream = fdopendir(copy) else {
      let code = Errno.current
      close(copy)
      throw SystemError(call: "opendir", code: code)
    }
    defer { closedir(stream) }
    rewinddir(stream)
    var entries: [(name: [UInt8], type: UInt8)] = []
    while true {
      errno = 0
      // NULL is the end, or an error: a listing cut short must not pass for a whole one.
      guard let entry = readdir(stream) else {
        let code = Errno.current
        if code.rawValue != 0 { throw SystemError(call: "readdir", code: code) }
        break
      }
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        Array(raw.prefix { $0 != 0 })
      }
      if name == [0x2E] || name == [0x2E, 0x2E] { continue }  // "." and ".."
      entries.append((name, entry.pointee.d_type))
    }
    return entries
  }
}

/// The whole of a small text file, such as a /proc entry; nil if it cannot be read.
func readTextFile(_ path: String, limit: Int = 1 << 24) -> String? {
  guard let file = try? FileDescriptor.open(path, O_RDONLY),
    let bytes = try? file.read(upTo: limit)
  else { return nil }
  return String(decoding: bytes, as: UTF8.self)
}
