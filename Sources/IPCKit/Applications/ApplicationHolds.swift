import Glibc

/// Which objects known applications hold without any process mapping them or holding them
/// open, read once for a clean or a listing. Only PostgreSQL is known (see `PostgreSQL`);
/// programs that keep what they use mapped or open (browsers, PulseAudio, JACK, Python's
/// multiprocessing) need no knowledge: the users scan sees them.
public struct ApplicationHolds: Sendable {
  /// Segments a running postmaster holds: its interlock, and every dynamic segment of its
  /// owner (which of its owner's postmasters made a dynamic segment is not recorded outside
  /// PostgreSQL's own memory, so each running one holds them all).
  private var held: [IPCObjectInfo.Identity: Holder] = [:]
  /// Sets a crashed postmaster left, by member: removed together or not at all.
  private var setOf: [IPCObjectInfo.Identity: Int] = [:]
  public private(set) var leftSets: [LeftSet] = []

  /// The interlocks and dynamic segments of one owner whose postmaster is gone.
  public struct LeftSet: Sendable {
    public var holder: Holder
    public var members: [IPCObjectInfo]
  }

  public init() {}

  /// The running application holding `object`, if any.
  public func holder(of object: IPCObjectInfo) -> Holder? {
    isSegment(object) ? held[object.identity] : nil
  }

  /// Which set a gone application left `object` belongs to, if any.
  func leftSetIndex(of object: IPCObjectInfo) -> Int? {
    isSegment(object) ? setOf[object.identity] : nil
  }

  private func isSegment(_ object: IPCObjectInfo) -> Bool {
    object.kind == .sysvSharedMemory || object.kind == .posixSharedMemory
  }

  /// Reads the holds in this IPC namespace and /dev/shm. `findLeftSets` also recognises a
  /// crashed postmaster's interlock by its header, which takes a read-only attachment of the
  /// unattached segments of owners that have dynamic segments: `clean` does it, listings
  /// do not (a look should leave every time as it was).
  ///
  /// For a clean (`findLeftSets`), the dynamic segments are looked for first, and with none
  /// there is nothing to read: a running postmaster's interlock is attached, which keeps it
  /// before any hold is asked, and a crashed one's matters only beside dynamic segments. On a
  /// host without PostgreSQL a clean then never reads the System V segment table, which at
  /// 32,768 segments costs more than removing a kind of object.
  public static func read(_ inventory: Inventory, findLeftSets: Bool) -> ApplicationHolds {
    var holds = ApplicationHolds()
    let proc = inventory.paths.proc
    let dynamicFirst = findLeftSets ? dynamicSegments(inventory) : nil
    if dynamicFirst?.isEmpty == true { return holds }
    // PostgreSQL refuses to run as root: its segments never belong to root.
    let segments = SysVSharedMemory.list(paths: inventory.paths, withValues: false)
      .filter { $0.uid != 0 && $0.details.sysvSegment?.markedForRemoval == false }
    var postmasters: [uid_t: Holder] = [:]
    for segment in segments {
      // A running postmaster stays attached to its interlock; its creator is the postmaster.
      guard let id = segment.id, (segment.details.sysvSegment?.attached ?? 0) > 0,
        let pid = segment.details.sysvSegment?.creatorPID,
        PostgreSQL.postmasterInterlock(pid, proc: proc) == id,
        let process = ProcessRef.reading(pid, proc: proc)
      else { continue }
      let holder = Holder(
        application: PostgreSQL.application, role: PostgreSQL.role, process: process)
      holds.held[segment.identity] = holder
      if postmasters[segment.uid].map({ $0.process!.pid > pid }) ?? true {
        postmasters[segment.uid] = holder
      }
    }
    let unattached = segments.filter { $0.details.sysvSegment?.attached == 0 }
    guard !postmasters.isEmpty || (findLeftSets && !unattached.isEmpty) else { return holds }
    let dynamic = dynamicFirst ?? dynamicSegments(inventory)
    for segment in dynamic {
      if let holder = postmasters[segment.uid] { holds.held[segment.identity] = holder }
    }
    guard findLeftSets else { return holds }
    // A crashed postmaster's interlock matters only where its owner has dynamic segments:
    // alone, it is an ordinary leftover.
    let owners = Set(dynamic.map(\.uid))
    var interlocks: [uid_t: [(IPCObjectInfo, pid_t)]] = [:]
    for segment in unattached where owners.contains(segment.uid) {
      guard let id = segment.id, let creator = PostgreSQL.interlockCreator(id) else { continue }
      interlocks[segment.uid, default: []].append((segment, creator))
    }
    for (owner, found) in interlocks.sorted(by: { $0.key < $1.key }) {
      let members = found.map(\.0) + dynamic.filter { $0.uid == owner }
      let holder = Holder(
        application: PostgreSQL.application, role: PostgreSQL.role, process: nil,
        formerPID: found.first?.1)
      for member in members { holds.setOf[member.identity] = holds.leftSets.count }
      holds.leftSets.append(LeftSet(holder: holder, members: members))
    }
    return holds
  }

  /// The `/PostgreSQL.<number>` segments in the shm directory, stat'ed; none if unreadable.
  private static func dynamicSegments(_ inventory: Inventory) -> [IPCObjectInfo] {
    let named = inventory.shmNames([.posixSharedMemory], namePrefix: Array("/PostgreSQL.".utf8))
    return inventory.shmObjects(named).filter { $0.name.map(PostgreSQL.isDynamicSegment) == true }
  }
}
