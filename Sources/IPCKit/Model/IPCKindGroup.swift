/// Words that select several kinds at once: `posix`, `sysv`, `mq`, `shm`, `sem`, `all`.
public enum IPCKindGroup: String, CaseIterable, Sendable {
  case posix, sysv, mq, shm, sem, all

  public var kinds: Set<IPCKind> {
    // From the kind table: each group is one of its columns.
    let matches: (IPCKind) -> Bool =
      switch self {
      case .posix: \.isNamed
      case .sysv: { !$0.isNamed }
      case .mq: { $0.mechanism == .messageQueue }
      case .shm: { $0.mechanism == .sharedMemory }
      case .sem: { $0.mechanism == .semaphore }
      case .all: { _ in true }
      }
    return Set(IPCKind.allCases.filter(matches))
  }

  /// The kinds a word names, whether a kind or a group; nil for an unknown word.
  public static func kinds(named word: String) -> Set<IPCKind>? {
    if let kind = IPCKind(rawValue: word) { return [kind] }
    return IPCKindGroup(rawValue: word)?.kinds
  }

  /// Every word `--kind` accepts, kinds first.
  public static var allWords: [String] {
    IPCKind.allCases.map(\.rawValue) + allCases.map(\.rawValue)
  }
}
