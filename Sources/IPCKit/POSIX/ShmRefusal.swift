/// Why a /dev/shm was not entered (see `ShmHandle.open`): a value, which the command line
/// words. Nothing in it was read from the folder itself.
public enum ShmRefusal: Sendable, Equatable {
  /// The process's mount table could not be read, so nothing could be vetted.
  case mountTableUnreadable
  /// Its root is no mount its table shows (a plain chroot).
  case rootNotInMountTable
  /// What is mounted at /dev/shm is no tmpfs; the file system type, escaped.
  case notTmpfs(filesystem: String)
  /// The way there crosses a mount whose lookups may stall (FUSE, network); its type, escaped.
  case reachedThrough(filesystem: String)
  /// /dev/shm is a symbolic link, or reached through one.
  case symbolicLink
  /// The folder opened is not the tmpfs the table shows at /dev/shm.
  case notTheMountedTmpfs
  /// Its user namespace could not be read, so whose powers apply is unknown.
  case userNamespaceUnreadable
}
