/// What one refresh of a watch read: the objects its selection chose, in listing order, each
/// with the namespace it came from (with every namespace), the /dev/shm it shows, and when it
/// was read.
public struct WatchSample: Sendable {
  public struct Entry: Sendable {
    public var object: IPCObjectInfo
    /// Nil for the one namespace a context names.
    public var namespace: NamespaceTag?

    public init(_ object: IPCObjectInfo, namespace: NamespaceTag? = nil) {
      self.object = object
      self.namespace = namespace
    }
  }

  public var entries: [Entry]
  /// Size and use of the /dev/shm shown; nil where it could not be opened.
  public var shmSpace: ShmSpace?
  /// When it was read, by the watch's clock (`WatchClock`).
  public var taken: Double

  public init(entries: [Entry], shmSpace: ShmSpace? = nil, taken: Double) {
    self.entries = entries
    self.shmSpace = shmSpace
    self.taken = taken
  }
}
