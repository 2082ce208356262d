import Glibc

/// Who is asking, as the kernel's permission checks see it: the effective uid and the
/// effective capabilities. Root without capabilities is refused like anyone else, and a
/// non-root user with the right capability is not.
public struct Caller: Sendable, Equatable {
  public var euid: uid_t
  /// The effective capability set, a bit per capability (CapEff in /proc/self/status).
  public var capabilities: UInt64

  public init(euid: uid_t, capabilities: UInt64) {
    self.euid = euid
    self.capabilities = capabilities
  }

  /// CAP_FOWNER: unlink others' files in a sticky directory (/dev/shm, the mqueue root).
  public static let fileOwner = 3
  /// CAP_SYS_ADMIN: IPC_RMID of others' System V objects.
  public static let systemAdmin = 21

  public func has(_ capability: Int) -> Bool { capabilities & (1 << UInt64(capability)) != 0 }

  /// This process.
  public static func current(proc: String = "/proc") -> Caller {
    Caller(euid: geteuid(), capabilities: effectiveCapabilities(proc: proc) ?? 0)
  }

  /// Whether the kernel lets this caller remove `object`: POSIX objects are files in sticky
  /// directories (their owner, or CAP_FOWNER); System V objects go to their owner or creator,
  /// or CAP_SYS_ADMIN (ipc/util.c, ipcctl_obtain_check).
  public func mayRemove(_ object: IPCObjectInfo) -> Bool {
    if object.kind.isNamed { return object.uid == euid || has(Self.fileOwner) }
    return object.uid == euid || object.creator?.uid == euid || has(Self.systemAdmin)
  }

  private static func effectiveCapabilities(proc: String) -> UInt64? {
    guard let status = readTextFile(proc + "/self/status") else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("CapEff:") {
      return UInt64(String(line.dropFirst("CapEff:".count).filter { !$0.isWhitespace }), radix: 16)
    }
    return nil
  }
}
