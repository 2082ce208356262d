/// One row of a watch's table: an object as last read, whether it is new or gone, and how it
/// changed since the sample before.
public struct WatchRow: Sendable {
  public enum Mark: Sendable, Equatable {
    /// Not in the sample before (never on the first one).
    case new
    case present
    /// In an earlier sample, not in this one: shown as it was last read, for a few refreshes.
    case gone
  }

  public var object: IPCObjectInfo
  public var namespace: NamespaceTag?
  public var mark: Mark
  /// Nil on the first sample, for a new object and for a gone one.
  public var delta: ObjectDelta?

  public init(
    object: IPCObjectInfo, namespace: NamespaceTag?, mark: Mark, delta: ObjectDelta? = nil
  ) {
    self.object = object
    self.namespace = namespace
    self.mark = mark
    self.delta = delta
  }
}

/// One refresh: the rows, in listing order (a gone object where it was), and what changed.
public struct WatchFrame: Sendable {
  public var rows: [WatchRow]
  /// The seconds since the sample before; nil on the first.
  public var seconds: Double?
  public var shmSpace: ShmSpace?
  public var newCount: Int { rows.count { $0.mark == .new } }
  public var goneCount: Int { rows.count { $0.mark == .gone } }
}
