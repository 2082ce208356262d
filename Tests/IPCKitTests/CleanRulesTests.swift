import Glibc
import Testing

@testable import IPCKit

/// Every rule clean decides by, on records as the kernel would give them and a fixed clock:
/// no kernel objects, no processes, no waiting. (Vanished and reused ids need the kernel:
/// `CleanerTests`; the order of outcomes: `CleanSessionTests`.)
@Suite struct CleanRulesTests {
  /// When the records were made.
  static let then = 1_800_000_000
  /// A pid no process can have (above the largest pid_max): its process has ended.
  static let ended: pid_t = 0x7fff_fff0
  static let me = ProcessRef(pid: 42, commandBytes: Array("worker".utf8))
  static let root = Caller(euid: 0, capabilities: ~0)

  /// A cleaner for `caller` at `now`, reading no real /dev/shm or queues.
  static func cleaner(
    now: Int = then + 3600, caller: Caller = root, broad: Bool = false,
    holds: ApplicationHolds = ApplicationHolds()
  ) -> Cleaner {
    let paths = IPCPaths(shm: "/nonexistent", mqueue: "/nonexistent")
    var cleaner = Cleaner(inventory: Inventory(context: IPCContext(paths: paths, caller: caller, clock: .fixed(now))))
    cleaner.broadSelection = broad
    cleaner.holds = holds
    return cleaner
  }

  static func posixSegment(_ name: String = "/s", uid: uid_t = 0, file: UInt64 = 7) throws -> IPCObjectInfo {
    var object = IPCObjectInfo(
      .named(try IPCName(parsing: name)), uid: uid, gid: 0, permissions: .init(rawValue: 0o600),
      details: .posixSharedMemory(PosixSegmentDetails(size: 1, residentBytes: 0)))
    object.file = FileIdentity(device: 1, inode: file)
    object.changed = then
    return object
  }

  static func sysvSegment(id: Int32 = 5, attached: UInt64, marked: Bool = false) -> IPCObjectInfo {
    var details = SysVSegmentDetails()
    (details.attached, details.markedForRemoval, details.lastAttach) = (attached, marked, then)
    var object = IPCObjectInfo(
      .sysv(id: id, key: 0), uid: 0, gid: 0, permissions: .init(rawValue: 0o600),
      details: .sysvSharedMemory(details))
    object.changed = then
    return object
  }

  static func queue(
    uid: uid_t = 0, messages: UInt64 = 0, sender: pid_t? = nil, sent: Int? = nil
  ) -> IPCObjectInfo {
    var details = SysVQueueDetails()
    (details.messages, details.lastSendPID, details.lastSend) = (messages, sender, sent)
    var object = IPCObjectInfo(
      .sysv(id: 3, key: 0), uid: uid, gid: 0, permissions: .init(rawValue: 0o600),
      details: .sysvQueue(details))
    object.changed = then
    return object
  }

  /// A scan in which `users` map or hold the file `file`.
  static func report(file: UInt64 = 7, users: [ProcessRef] = []) -> UsageScanner.Report {
    var report = UsageScanner.Report()
    if !users.isEmpty { report.byFile[FileIdentity(device: 1, inode: file)] = Set(users) }
    return report
  }

  @Test func anObjectInUseIsKeptUnlessForced() throws {
    let cleaner = Self.cleaner()
    let object = try Self.posixSegment()
    let kept = cleaner.plan(object, users: Self.report(users: [Self.me]), force: false)
    #expect(kept.action == .kept && kept.reason == .inUse(by: [Self.me]))
    #expect(cleaner.plan(object, users: nil, force: true).action == .wouldRemove)
    let unused = cleaner.plan(object, users: Self.report(), force: false)
    #expect(unused.action == .wouldRemove && unused.reason == nil)
  }

  @Test func aSegmentAttachedByProcessesNotFoundIsKept() {
    let outcome = Self.cleaner().plan(Self.sysvSegment(attached: 3), users: Self.report(), force: false)
    #expect(outcome.action == .kept && outcome.reason == .attached(count: 3))
  }

  /// Marked for removal, it goes with its last process: even --force cannot take it sooner.
  @Test func aSegmentMarkedForRemovalIsKeptEvenWhenForced() {
    let object = Self.sysvSegment(attached: 2, marked: true)
    for force in [false, true] {
      let outcome = Self.cleaner().plan(object, users: Self.report(), force: force)
      #expect(outcome.action == .kept && outcome.reason == .markedForRemoval(attached: 2))
    }
  }

  @Test func whatARunningApplicationHoldsIsKept() throws {
    let object = try Self.posixSegment("/PostgreSQL.1")
    let holder = Holder(application: "PostgreSQL", role: "postmaster", process: Self.me)
    let cleaner = Self.cleaner(holds: ApplicationHolds(holding: [object], by: holder))
    let outcome = cleaner.plan(object, users: Self.report(), force: false)
    #expect(outcome.action == .kept && outcome.reason == .heldBy(holder))
    #expect(cleaner.plan(object, users: Self.report(), force: true).action == .wouldRemove)
  }

  /// A set a gone application left goes whole or not at all.
  @Test func aLeftSetStaysUnlessAllOfItGoes() throws {
    let (first, second) = (try Self.posixSegment("/PostgreSQL.1", file: 1), try Self.posixSegment("/PostgreSQL.2", file: 2))
    let holder = Holder(application: "PostgreSQL", role: "postmaster", process: nil, formerPID: 99)
    let holds = ApplicationHolds(
      holding: [], by: holder, leftSets: [.init(holder: holder, members: [first, second])])
    var partly = Self.cleaner(holds: holds)
    partly.planLeftSets(selected: { $0.name == first.name }, users: Self.report(), force: false)
    let kept = partly.plan(first, users: Self.report(), force: false)
    #expect(kept.action == .kept && kept.reason == .setStays(holder, staying: [second.reference]))
    var whole = Self.cleaner(holds: holds)
    whole.planLeftSets(selected: { _ in true }, users: Self.report(), force: false)
    #expect(whole.plan(first, users: Self.report(), force: false).action == .wouldRemove)
    // One member in use keeps the others.
    var used = Self.cleaner(holds: holds)
    used.planLeftSets(selected: { _ in true }, users: Self.report(file: 2, users: [Self.me]), force: false)
    #expect(used.plan(first, users: Self.report(), force: false).reason == .setStays(holder, staying: [second.reference]))
  }

  /// A queue whose last sender has ended is kept for the 5 s after its last use, then goes:
  /// the clock decides, not a wait.
  @Test func aQueueUsedByAnEndedProcessIsKeptForTheQuietWindow() {
    let object = Self.queue(sender: Self.ended, sent: Self.then)
    let quiet = ActivityEvidence.quietSeconds
    let recent = Self.cleaner(now: Self.then + quiet - 1).plan(object, users: nil, force: false)
    #expect(recent.action == .kept && recent.reason == .activity(.recentlyUsed(.send, at: Self.then)))
    let later = Self.cleaner(now: Self.then + quiet).plan(object, users: nil, force: false)
    #expect(later.action == .wouldRemove && later.reason == nil)
  }

  /// Between msgget and the first message the kernel records nothing: new for 5 s.
  @Test func aNewUnusedQueueIsKeptForTheQuietWindow() {
    let object = Self.queue()
    let quiet = ActivityEvidence.quietSeconds
    let fresh = Self.cleaner(now: Self.then + quiet - 1).plan(object, users: nil, force: false)
    #expect(fresh.action == .kept && fresh.reason == .activity(.new(createdAt: Self.then)))
    #expect(Self.cleaner(now: Self.then + quiet).plan(object, users: nil, force: false).action == .wouldRemove)
    #expect(Self.cleaner(now: Self.then).plan(object, users: nil, force: true).action == .wouldRemove)
  }

  /// A live last user is in use however long ago it acted.
  @Test func aQueueWhoseLastSenderLivesIsInUse() {
    let object = Self.queue(sender: getpid(), sent: Self.then)
    let outcome = Self.cleaner(now: Self.then + 86_400).plan(object, users: nil, force: false)
    guard case .activity(.recent(.send, let process, let at)) = outcome.reason else {
      Issue.record("\(outcome)")
      return
    }
    #expect(outcome.action == .kept && process.pid == getpid() && at == Self.then)
  }

  static func set(waiting: Int32 = 0, user: pid_t, operated: Int?) -> IPCObjectInfo {
    var details = SysVSemaphoreSetDetails()
    details.count = 1
    details.lastOperation = operated
    details.states = [
      SysVSemaphoreState(value: 0, waitingForIncrease: waiting, waitingForZero: 0, lastPID: user)
    ]
    var object = IPCObjectInfo(
      .sysv(id: 9, key: 0), uid: 0, gid: 0, permissions: .init(rawValue: 0o600),
      details: .sysvSemaphore(details))
    object.changed = then
    return object
  }

  /// A process blocked in semop keeps the set; a semop by an ended process keeps it 5 s; a
  /// change by semctl is no semop.
  @Test func aSetIsKeptByWaitersAndRecentUse() {
    let quiet = ActivityEvidence.quietSeconds
    let waited = Self.cleaner().plan(Self.set(waiting: 2, user: Self.ended, operated: Self.then), users: nil, force: false)
    #expect(waited.action == .kept && waited.reason == .activity(.waiting(count: 2)))
    let used = Self.set(user: Self.ended, operated: Self.then)
    let recent = Self.cleaner(now: Self.then + quiet - 1).plan(used, users: nil, force: false)
    #expect(recent.reason == .activity(.recentlyUsed(.semop, at: Self.then)))
    #expect(Self.cleaner(now: Self.then + quiet).plan(used, users: nil, force: false).action == .wouldRemove)
    let changed = Self.cleaner().plan(Self.set(user: getpid(), operated: nil), users: nil, force: false)
    guard case .activity(.recent(.setValue, let process, nil)) = changed.reason else {
      Issue.record("\(changed)")
      return
    }
    #expect(process.pid == getpid())
  }

  /// Unread messages stay under a selector that names no object; a name takes them, and says so.
  @Test func aQueueHoldingMessagesStaysUnderABroadSelection() {
    let object = Self.queue(messages: 2, sender: Self.ended, sent: Self.then)
    let broad = Self.cleaner(broad: true).plan(object, users: nil, force: false)
    #expect(broad.action == .kept && broad.reason == .holdsMessages(2))
    let named = Self.cleaner(broad: false).plan(object, users: nil, force: false)
    #expect(named.action == .wouldRemove && named.reason == .messagesWent(2))
  }

  @Test func anObjectWhoseOwnerStillRunsProcessesStaysUnderABroadSelection() {
    var report = Self.report()
    report.processesByOwner[1000] = 2
    let object = Self.queue(uid: 1000)
    let broad = Self.cleaner(broad: true).plan(object, users: report, force: false)
    #expect(broad.action == .kept && broad.reason == .ownerActive(uid: 1000, processes: 2))
    #expect(Self.cleaner(broad: false).plan(object, users: report, force: false).action == .wouldRemove)
    // Root's objects: root always runs processes, which says nothing.
    #expect(Self.cleaner(broad: true).plan(Self.queue(uid: 0), users: report, force: false).action == .wouldRemove)
  }

  @Test func usersUnknownNamesTheProcessesThatCouldNotBeRead() throws {
    let hidden = ProcessRef(pid: 1, commandBytes: Array("init".utf8))
    var report = Self.report()
    report.hidden = [
      .init(process: hidden, descriptorsHidden: true, mapsHidden: true, mountedDevices: nil, inOurIPCNamespace: true)
    ]
    let object = try Self.posixSegment()
    let outcome = Self.cleaner().plan(object, users: report, force: false)
    #expect(outcome.action == .kept && outcome.reason == .usersUnknown(unreadable: [hidden]))
    // A process that cannot reach the file's device cannot use it.
    report.hidden[0].mountedDevices = [99]
    #expect(Self.cleaner().plan(object, users: report, force: false).action == .wouldRemove)
  }

  @Test func processesHiddenByProcMakeUsersUnknown() throws {
    var report = Self.report()
    report.processesHidden = true
    let outcome = Self.cleaner().plan(try Self.posixSegment(), users: report, force: false)
    #expect(outcome.action == .kept && outcome.reason == .processesHidden)
  }

  /// Permission comes first: "in use" of what the caller could never remove would send them
  /// to --force for nothing.
  @Test func whatTheCallerMayNotRemoveFailsBeforeAnythingElse() throws {
    let cleaner = Self.cleaner(caller: Caller(euid: 1002, capabilities: 0))
    let object = try Self.posixSegment(uid: 1000)
    for force in [false, true] {
      let outcome = cleaner.plan(object, users: Self.report(users: [Self.me]), force: force)
      #expect(outcome.action == .failed && outcome.reason == .permissionDenied)
    }
  }
}
