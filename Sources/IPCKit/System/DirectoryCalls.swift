import Glibc

/// mkdir(2) and rmdir(2): a tracefs instance is made and removed as a folder.
enum DirectoryCalls {
  /// Makes the folder `path`.
  ///
  /// The corresponding C call is `mkdir(2)`.
  static func make(_ path: String, mode: mode_t = 0o700) throws(SystemError) {
    try retryingOnInterrupt("mkdir", path) { mkdir(path, mode) }
  }

  /// Removes the folder `path`; in tracefs this removes an instance with its buffers.
  ///
  /// The corresponding C call is `rmdir(2)`.
  static func remove(_ path: String) throws(SystemError) {
    try retryingOnInterrupt("rmdir", path) { rmdir(path) }
  }

  /// Whether `path` is a folder (followed); false when it cannot be looked at.
  static func isFolder(_ path: String) -> Bool {
    var info = stat()
    guard case .success = valueOrErrno({ stat(path, &info) }) else { return false }
    return info.st_mode & S_IFMT == S_IFDIR
  }
}
