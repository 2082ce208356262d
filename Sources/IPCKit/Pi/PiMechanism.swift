/// The ways `ipctool pi` carries partial sums from the workers to the parent.
public enum PiMechanism: String, CaseIterable, Sendable {
  case pipe
  case socketpair
  case posixQueue = "posix-mq"
  case sysvQueue = "sysv-mq"
  case posixSharedMemory = "posix-shm"
  case sysvSharedMemory = "sysv-shm"

  /// Message mechanisms return every slice's sum; the shared-memory ones one accumulated sum.
  public var isSharedMemory: Bool { self == .posixSharedMemory || self == .sysvSharedMemory }

  /// Group words, as for kinds everywhere else: `posix` = posix-mq + posix-shm, `sysv` =
  /// sysv-mq + sysv-shm, `mq` = both queues, `shm` = both shared memories, `all`.
  public static func named(_ word: String) -> [PiMechanism]? {
    if let one = PiMechanism(rawValue: word) { return [one] }
    switch word {
    case "posix": return [.posixQueue, .posixSharedMemory]
    case "sysv": return [.sysvQueue, .sysvSharedMemory]
    case "mq": return [.posixQueue, .sysvQueue]
    case "shm": return [.posixSharedMemory, .sysvSharedMemory]
    case "all": return allCases
    default: return nil
    }
  }
}
