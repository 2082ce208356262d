import Glibc

/// Where an object came from, as far as anything tells: what the kernel keeps (its record, a
/// System V segment's creator pid), the process behind that pid if it still runs, and the calls
/// a `trace --record` journal holds about it. The engine behind `ipctool why`.
public struct ObjectStory: Sendable {
  /// The object as it exists now; nil if it does not (the journal may still tell of it).
  public var object: IPCObjectInfo?
  /// The kind of the object the journal speaks of, when it does not exist now.
  public var kind: IPCKind
  /// The process that created it (System V segments keep its pid), if it still runs.
  public var creator: ProcessRef?
  /// The creator's pid as the kernel keeps it, running or not.
  public var creatorPID: pid_t?
  /// The journal's events about it, oldest first.
  public var events: [TraceEvent]

  /// The stories of what `reference` names: each object found now, and, where none is, the
  /// journal's events about the reference. Events of callers in another IPC namespace than
  /// `namespace` (when both are known) are about another object of the same name or id.
  /// Throws only for a reference that cannot be looked up.
  public static func tell(
    _ reference: IPCReference, inventory: Inventory, journal all: [TraceEvent], namespace: UInt64?
  ) throws(IPCError) -> [ObjectStory] {
    let journal = all.filter { event in
      guard let namespace, let seen = event.ipcNamespace else { return true }
      return seen == namespace
    }
    var objects: [IPCObjectInfo]
    do {
      objects = try inventory.find(reference, for: "why")
    } catch where error.code == .noSuchFileOrDirectory || error.reason == .noSuchObject {
      objects = []
    }
    var stories = objects.map { object in
      let pid: pid_t? = if case .sysvSharedMemory(let segment) = object.details { segment.creatorPID } else { nil }
      return ObjectStory(
        object: object, kind: object.kind,
        creator: pid.flatMap { ProcessRef.reading($0, proc: inventory.paths.proc) }, creatorPID: pid,
        events: journal.filter { $0.concerns(object) })
    }
    if stories.isEmpty {
      // Gone (or never made here): what the journal tells of the name, id or key.
      let events = journal.filter { $0.concerns(reference) }
      for kind in IPCKind.allCases where events.contains(where: { $0.kind == kind }) {
        stories.append(ObjectStory(
          object: nil, kind: kind, creator: nil, creatorPID: nil, events: events.filter { $0.kind == kind }))
      }
    }
    return stories
  }
}

extension TraceEvent {
  /// Whether the event is about `object`: the same kind and name, or the same kind and id (a
  /// System V id is reused once its object is gone: events before the object's change time may
  /// be its predecessor's) or key.
  public func concerns(_ object: IPCObjectInfo) -> Bool {
    guard kind == object.kind else { return false }
    switch object.identity {
    case .named(let name): return objectName == name.fileName
    case .sysv(let id, let key): return self.id == id || (key != 0 && self.key == key)
    }
  }

  /// Whether the event is about what `reference` names.
  public func concerns(_ reference: IPCReference) -> Bool {
    switch reference {
    case .named(let name, let kind): return self.kind.isNamed && (kind == nil || kind == self.kind)
      && objectName == name.fileName
    case .sysvID(let kind, let id): return self.kind == kind && self.id == id
    case .sysvKey(let kind, let key): return self.kind == kind && self.key == key
    }
  }
}
