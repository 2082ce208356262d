import Glibc

/// The target a symbolic link names, as bytes, read from the link itself (never followed):
/// for /proc/PID/fd/N, the path of the open file as the kernel writes it ("/memfd:x (deleted)").
///
/// The corresponding C call is `readlinkat(2)`.
func readLink(_ directory: CInt, _ name: String) -> Result<[UInt8], Errno> {
  var buffer = [UInt8](repeating: 0, count: 4096)
  let result = valueOrErrno {
    buffer.withUnsafeMutableBytes { readlinkat(directory, name, $0.baseAddress!, $0.count) }
  }
  return result.map { Array(buffer.prefix($0)) }
}
