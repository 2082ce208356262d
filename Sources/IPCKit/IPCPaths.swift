import Glibc

/// Where the kernel shows IPC objects. Tests point these at fixture trees.
public struct IPCPaths: Sendable {
  /// procfs: sysvipc/ and sys/fs/mqueue/ below it.
  public var proc: String
  /// The tmpfs glibc keeps POSIX shared memory and semaphores in.
  public var shm: String
  /// The mqueue filesystem; nil means find it in the mount table, or mount it privately.
  public var mqueue: String?

  public init(proc: String = "/proc", shm: String = "/dev/shm", mqueue: String? = nil) {
    self.proc = proc
    self.shm = shm
    self.mqueue = mqueue
  }

  /// The real system, unless IPCTOOL_PROC, IPCTOOL_SHM or IPCTOOL_MQUEUE say otherwise.
  public static func fromEnvironment() -> IPCPaths {
    func variable(_ name: String) -> String? {
      getenv(name).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
    }
    return IPCPaths(
      proc: variable("IPCTOOL_PROC") ?? "/proc", shm: variable("IPCTOOL_SHM") ?? "/dev/shm",
      mqueue: variable("IPCTOOL_MQUEUE"))
  }

  /// A number from a /proc/sys file, such as "fs/mqueue/msg_max"; nil if unreadable.
  public func kernelSetting(_ path: String) -> UInt64? {
    guard let text = readTextFile(proc + "/sys/" + path) else { return nil }
    return UInt64(text.split(whereSeparator: \.isWhitespace).first ?? "")
  }
}
