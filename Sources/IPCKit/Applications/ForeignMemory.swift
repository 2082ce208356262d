import CIPCShims
import Glibc

/// Reads of what another process maps, made without attaching or opening anything the
/// kernel records and without following any path a user controls: /proc/PID/maps says where
/// a segment is mapped, and process_vm_readv copies from there (root, or the owner where
/// ptrace is allowed). Used to read a running server's own view of its segments.
struct ForeignMemory {
  let pid: pid_t
  /// /proc/PID/maps' lines that name a file, as (start, end, inode, path).
  let mappings: [(start: UInt, end: UInt, inode: UInt64, path: [UInt8])]

  /// The process's mappings; nil if /proc/PID/maps cannot be read whole (a postmaster's is a
  /// few hundred lines: 4 MiB is no server's).
  init?(_ pid: pid_t, proc: String) {
    let limit = 4 << 20
    guard let file = try? FileDescriptor.open("\(proc)/\(pid)/maps", O_RDONLY),
      let bytes = try? file.read(upTo: limit + 1), bytes.count <= limit
    else { return nil }
    self.pid = pid
    mappings = bytes.split(separator: 0x0A).compactMap { line in
      // "start-end perms offset dev inode   path"
      let fields = line.split(separator: 0x20, maxSplits: 5, omittingEmptySubsequences: true)
      guard fields.count == 6 else { return nil }
      let range = fields[0].split(separator: UInt8(ascii: "-"))
      guard range.count == 2, let start = UInt(String(decoding: range[0], as: UTF8.self), radix: 16),
        let end = UInt(String(decoding: range[1], as: UTF8.self), radix: 16),
        let inode = UInt64(String(decoding: fields[4], as: UTF8.self))
      else { return nil }
      let path = fields[5].drop { $0 == 0x20 }
      return (start, end, inode, Array(path))
    }
  }

  /// The mapping of a System V segment: "/SYSV<key in 8 hex digits>", inode the shmid.
  func sysvMapping(id: Int32, key: Int32) -> UInt? {
    let name = Array("/SYSV".utf8) + Array(hex8(key).utf8)
    return mappings.first { $0.inode == UInt64(UInt32(bitPattern: id)) && $0.path.starts(with: name) }?
      .start
  }

  /// The mapping of a POSIX segment, "/dev/shm/NAME" as the process sees it.
  func posixMapping(_ name: [UInt8]) -> UInt? {
    let path = Array("/dev/shm".utf8) + name
    return mappings.first { $0.path == path }?.start
  }

  /// `count` bytes from `address`; nil unless all could be read.
  func read(_ address: UInt, count: Int) -> [UInt8]? {
    var bytes = [UInt8](repeating: 0, count: count)
    let read = bytes.withUnsafeMutableBytes { Memory.readProcess(pid, at: address, into: $0) }
    return read == .success(count) ? bytes : nil
  }
}

/// "00f7a2db": a key as /proc/PID/maps names a System V mapping.
func hex8(_ key: Int32) -> String {
  let digits = String(UInt32(bitPattern: key), radix: 16)
  return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}

/// The first `count` bytes (all by default) of a file in the verified shm folder, and its
/// size, read without following a link, crossing a mount on the name, blocking on a FIFO, or
/// changing its access time where the caller may (O_NOATIME); nil unless it is a regular file
/// no larger than `limit`.
func readShmFile(_ name: [UInt8], in folder: ShmHandle, limit: Int, count: Int? = nil)
  -> (bytes: [UInt8], size: Int)?
{
  let fileName = Array(name.drop { $0 == UInt8(ascii: "/") }) + [0]
  let flags = O_RDONLY | O_NONBLOCK | O_NOCTTY
  func opening(_ flags: CInt) -> Result<FileDescriptor, Errno> {
    // The number crosses the closures (which return copyable values only), owned again after.
    let raw: Result<CInt, Errno> = fileName.withUnsafeBufferPointer { pointer in
      pointer.withMemoryRebound(to: CChar.self) {
        switch folder.open($0.baseAddress!, flags) {
        case .success(let file): .success(file.release())
        case .failure(let code): .failure(code)
        }
      }
    }
    return raw.map { FileDescriptor(raw: $0) }
  }
  // O_NOATIME is refused (EPERM) on a file the caller does not own: then opened as is.
  let file: FileDescriptor
  switch opening(flags | noAccessTime) {
  case .success(let opened): file = opened
  case .failure(.notPermitted):
    guard case .success(let opened) = opening(flags) else { return nil }
    file = opened
  case .failure: return nil
  }
  guard let status = try? file.status(), status.st_mode & S_IFMT == S_IFREG,
    status.st_size <= limit,
    let bytes = try? file.read(upTo: min(count ?? Int(status.st_size), Int(status.st_size)))
  else { return nil }
  return (bytes, Int(status.st_size))
}

/// O_NOATIME (Linux's value), which Glibc's module leaves out.
private let noAccessTime: CInt = 0o1_000_000
