/// Which IPC namespace objects came from, as a reading of every namespace tags them.
public struct NamespaceTag: Sendable, Equatable {
  /// As /proc/PID/ns/ipc shows it ("ipc:[4026531839]").
  public var inode: UInt64
  /// "host" for the initial namespace, else what the cgroup says ("podman 3f2a9c1b7d0e").
  public var container: String?

  public init(inode: UInt64, container: String?) {
    self.inode = inode
    self.container = container
  }
}
