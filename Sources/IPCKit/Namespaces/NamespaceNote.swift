/// Why `namespaces` could not read all of a namespace: a value, which the command line words.
public enum NamespaceNote: Sendable, Equatable {
  /// Its /dev/shm was not entered: not a tmpfs, or not the one its mount table shows.
  case shmRefused(reason: ShmRefusal)
  /// Its IPC namespace could not be joined (setns needs CAP_SYS_ADMIN).
  case cannotJoin(Errno)
}
