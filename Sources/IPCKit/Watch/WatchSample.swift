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

/// What makes an object the same one from one sample to the next: its namespace, kind and
/// name or id and key, and for a POSIX object its file (a name removed and made again between
/// two refreshes is a new object, and the old one vanished).
public struct WatchKey: Hashable, Sendable {
  var namespace: UInt64?
  var kind: IPCKind
  var identity: IPCObjectInfo.Identity
  var file: FileIdentity?

  public init(_ entry: WatchSample.Entry) {
    namespace = entry.namespace?.inode
    kind = entry.object.kind
    identity = entry.object.identity
    file = entry.object.file
  }

  /// A name's bytes hashed as one block, not byte by byte (as [UInt8]'s own hash does): a
  /// refresh hashes every object's key twice.
  public func hash(into hasher: inout Hasher) {
    hasher.combine(namespace)
    hasher.combine(kind)
    hasher.combine(file)
    switch identity {
    case .named(let name): name.fileName.withUnsafeBytes { hasher.combine(bytes: $0) }
    case .sysv(let id, let key):
      hasher.combine(id)
      hasher.combine(key)
    }
  }
}
