extension IPCObjectInfo {
  /// Whether it is a segment mapped now (System V: attached; POSIX: users found). Stores
  /// through a mapping change no time the kernel keeps, so a mapped segment's idle age is not
  /// known: its times may say "11 minutes" of one written every millisecond.
  public var isMappedSegment: Bool {
    switch details {
    case .sysvSharedMemory(let segment): (segment.attached ?? 0) > 0
    case .posixSharedMemory: users?.isEmpty == false
    default: false
    }
  }

  /// `lastActivity` where it tells when the object was last used; nil for a mapped segment.
  /// IDLE, `--older-than` and `--idle` go by it: an unknown age is never old.
  public var knownLastActivity: Int? { isMappedSegment ? nil : lastActivity }
}
