import Glibc

/// What one run of objects adds to the metrics: totals per kind and owner (a handful of series
/// whatever the number of objects), and, with `perObject`, one sample per object. Made on the
/// thread that read the run; runs are merged after.
struct MetricsTally {
  struct Key: Hashable, Comparable {
    var kind: IPCKind
    var uid: uid_t

    static func < (left: Key, right: Key) -> Bool {
      (left.kind, left.uid) < (right.kind, right.uid)
    }
  }

  struct Totals {
    var objects: UInt64 = 0
    var bytes: UInt64 = 0
    var messages: UInt64 = 0
    var queuedBytes: UInt64 = 0
    var attached: UInt64 = 0
    /// Objects no process uses (kinds whose users the kernel shows only).
    var unused: UInt64 = 0
    /// Objects whose users could not be read (a process that may hold them was unreadable):
    /// neither used nor unused, and adding nothing to `attached`.
    var usersUnknown: UInt64 = 0
    /// The oldest last activity among those, in seconds since the epoch.
    var oldestUnusedActivity: Int?

    /// The words that name the object, with a name's bytes as they are (the renderer escapes).
  static func reference(_ object: IPCObjectInfo) -> [UInt8] {
    let kind = Array(object.kind.rawValue.utf8) + [UInt8(ascii: ":")]
    switch object.identity {
    case .named(let name): return kind + name.bytes
    case .sysv(let id, _): return kind + Array(String(id).utf8)
    }
  }

  mutating func add(_ other: Totals) {
      objects += other.objects
      bytes += other.bytes
      messages += other.messages
      queuedBytes += other.queuedBytes
      attached += other.attached
      unused += other.unused
      usersUnknown += other.usersUnknown
      oldestUnusedActivity = [oldestUnusedActivity, other.oldestUnusedActivity]
        .compactMap { $0 }.min()
    }
  }

  /// One object's own series (--per-object).
  struct Object {
    /// `kind:/name` (the name's own bytes) or `kind:id`.
    var reference: [UInt8]
    var kind: IPCKind
    var uid: uid_t
    var bytes: UInt64?
    var users: UInt64?
    var lastActivity: Int?
  }

  var totals: [Key: Totals] = [:]
  var objects: [Object] = []
  /// What the kernel limits count of these objects (their use, without listing them again).
  var limitUse = KernelLimitUse()

  init() {}

  init(_ run: [IPCObjectInfo], perObject: Bool) {
    limitUse = KernelLimitUse(run)
    for object in run {
      let users = Self.users(of: object)
      var add = Totals(objects: 1)
      switch object.details {
      case .posixQueue(let queue):
        add.messages = queue.messages ?? 0
        add.queuedBytes = queue.bytes ?? 0
      case .sysvQueue(let queue):
        add.messages = queue.messages ?? 0
        add.queuedBytes = queue.bytes ?? 0
      default:
        add.bytes = object.details.size ?? 0
      }
      if users == nil && object.kind.hasKnowableUsers { add.usersUnknown = 1 }
      if let users {
        add.attached = users
        if users == 0 {
          add.unused = 1
          add.oldestUnusedActivity = object.lastActivity
        }
      }
      totals[Key(kind: object.kind, uid: object.uid), default: Totals()].add(add)
      if perObject {
        let bytes: UInt64? =
          object.kind.mechanism == .messageQueue ? add.queuedBytes : object.details.size
        objects.append(
          Object(
            reference: Self.reference(object), kind: object.kind, uid: object.uid, bytes: bytes,
            users: users,
            lastActivity: object.lastActivity))
      }
    }
  }

  /// How many processes use the object: for a System V segment the kernel's attach count,
  /// for POSIX objects the processes that map or hold them (the snapshot's users); nil where
  /// no one can know (System V queues and sets) or the users were not read.
  static func users(of object: IPCObjectInfo) -> UInt64? {
    if let segment = object.details.sysvSegment {
      return segment.attached
    }
    guard object.kind.hasKnowableUsers, let users = object.users else { return nil }
    return UInt64(Set(users.map(\.pid)).count)
  }

  /// The words that name the object, with a name's bytes as they are (the renderer escapes).
  static func reference(_ object: IPCObjectInfo) -> [UInt8] {
    let kind = Array(object.kind.rawValue.utf8) + [UInt8(ascii: ":")]
    switch object.identity {
    case .named(let name): return kind + name.bytes
    case .sysv(let id, _): return kind + Array(String(id).utf8)
    }
  }

  mutating func add(_ other: MetricsTally) {
    for (key, value) in other.totals { totals[key, default: Totals()].add(value) }
    limitUse.add(other.limitUse)
    objects += other.objects
  }
}
