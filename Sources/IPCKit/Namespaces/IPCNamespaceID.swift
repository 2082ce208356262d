import Glibc

/// Which IPC namespace: the nsfs file /proc/PID/ns/ipc leads to ("ipc:[4026531839]"), known by
/// its device and inode. Two processes are in the same namespace exactly when theirs are equal.
public struct IPCNamespaceID: Hashable, Sendable, CustomStringConvertible {
  public let device: UInt64
  /// The number `lsns` and /proc show.
  public let inode: UInt64

  public var description: String { "ipc:[\(inode)]" }

  /// The namespace of a /proc entry: "self", "thread-self", a pid, "PID/task/TID". EACCES
  /// where the caller may not look (another user's process), ENOENT for a zombie or a process
  /// gone.
  ///
  /// The one reader of "which IPC namespace": everything that asks goes through it.
  public static func of(_ entry: String, proc: String = "/proc") -> Result<IPCNamespaceID, Errno> {
    do throws(SystemError) {
      let status = try FileStatus.of("\(proc)/\(entry)/ns/ipc")
      return .success(IPCNamespaceID(device: UInt64(status.st_dev), inode: UInt64(status.st_ino)))
    } catch {
      return .failure(error.code)
    }
  }
}
