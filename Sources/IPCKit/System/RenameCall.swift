import Glibc

/// rename(2): a journal file turned into its older half.
enum RenameCall {
  /// Renames `path` to `target`, replacing it.
  ///
  /// The corresponding C call is `rename(2)`.
  static func rename(_ path: String, to target: String) throws(SystemError) {
    try retryingOnInterrupt("rename", path) { Glibc.rename(path, target) }
  }
}
