import Glibc

/// A file replaced whole, never seen half written: what Prometheus's textfile collector reads
/// while it is rewritten.
public enum AtomicFile {
  /// Writes `contents` to `name` in `directory`: a temporary file in the same folder is
  /// written, flushed to disk and renamed over `name`, and the folder flushed, so a reader
  /// sees the old file or the new one, whole, even across a crash. The temporary name starts
  /// with a dot and does not end in `.prom`, so the collector never reads it.
  ///
  /// The corresponding C calls are `openat(2)`, `write(2)`, `fsync(2)` and `renameat(2)`.
  public static func replace(_ name: String, in directory: String, with contents: [UInt8])
    throws(SystemError)
  {
    let folder = try FileDescriptor.open(directory, O_RDONLY | O_DIRECTORY)
    // Unique among writers in other pid namespaces too (a DaemonSet's container and the host
    // may share the folder, and a pid number).
    let unique = String(UInt64.random(in: 0...UInt64.max), radix: 16)
    let temporary = ".\(name).\(getpid()).\(unique).tmp"
    let file = try FileDescriptor.open(
      temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, relativeTo: folder.raw, mode: 0o644)
    do {
      // 0644 whatever the umask: the exporter runs as a user of its own.
      try retryingOnInterrupt("fchmod", temporary) { fchmod(file.raw, 0o644) }
      try write(contents, to: file.raw, subject: temporary)
      try retryingOnInterrupt("fsync", temporary) { fsync(file.raw) }
      try retryingOnInterrupt("rename", directory + "/" + name) {
        renameat(folder.raw, temporary, folder.raw, name)
      }
    } catch {
      unlinkat(folder.raw, temporary, 0)
      throw error
    }
    try retryingOnInterrupt("fsync", directory) { fsync(folder.raw) }
  }

  /// Writes all of `bytes`, however many calls it takes.
  private static func write(_ bytes: [UInt8], to fd: CInt, subject: String) throws(SystemError) {
    var offset = 0
    while offset < bytes.count {
      let result = bytes.withUnsafeBytes { buffer in
        // Never empty here: the loop runs while bytes are left.
        valueOrErrno {
          Glibc.write(fd, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
        }
      }
      switch result {
      case .success(let written): offset += written
      case .failure(let code): throw SystemError(call: "write", subject: subject, code: code)
      }
    }
  }
}
