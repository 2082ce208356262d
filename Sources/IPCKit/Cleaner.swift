import Glibc

/// Removes many objects at once, safely: objects in use are kept unless forced, System V ids
/// are checked again just before removal, and vanished objects count as gone, not as errors.
public struct Cleaner {
  public let inventory: Inventory
  /// What known applications hold without mapping (see `ApplicationHolds`).
  public var holds = ApplicationHolds()
  /// Whether the selection names no object (no name, prefix, key or reference: `--all`,
  /// `--kind`, `--owner`, an age): then an unused object whose non-root owner still runs
  /// processes here is kept, since a program may hold an object without mapping it. The rule
  /// systemd-logind's RemoveIPC follows: a user's objects go once the user has no processes.
  public var broadSelection = false
  /// Left sets that may not go, by index, with the members that stay.
  private var staying: [Int: [IPCReference]] = [:]

  /// The creators and last users asked about, shared by the threads of a clean.
  private let liveProcesses: LiveProcesses
  /// The owners of processes that see this /dev/shm, in any IPC namespace (counted on first use).
  private let shmSharers: ShmSharers

  public init(inventory: Inventory) {
    self.inventory = inventory
    liveProcesses = LiveProcesses(proc: inventory.paths.proc)
    shmSharers = ShmSharers(paths: inventory.paths)
  }

  public enum Action: String, Sendable {
    case removed
    case wouldRemove = "would-remove"
    case kept
    case failed
    case gone
  }

  public struct Outcome: Sendable {
    public var object: IPCObjectInfo
    public var action: Action
    public var reason: Reason?
  }

  /// Why an object was kept, could not be removed, or was gone: values, which the command line
  /// puts in words. Boxed: a System V kind's outcomes are held until its ids are all known
  /// (see `CleanSession`), and its largest cases would double each one's size.
  public indirect enum Reason: Sendable, Equatable {
    /// A System V segment already marked for removal, freed when its last process detaches.
    case markedForRemoval(attached: UInt64)
    /// Processes map it or hold it open.
    case inUse(by: [ProcessRef])
    /// A System V segment with attachments whose processes were not found.
    case attached(count: UInt64)
    /// A System V queue or set the kernel shows in use: waiters, or a live last user.
    case activity(ActivityEvidence)
    /// A queue holding messages nobody has received; said only of broad selections (a name
    /// or prefix removes it, and says so with `messagesWent`).
    case holdsMessages(UInt64)
    /// Of a queue removed (or that would be), not a reason to keep it: the messages it held
    /// went with it.
    case messagesWent(UInt64)
    /// A running application keeps it between uses (PostgreSQL's postmaster).
    case heldBy(Holder)
    /// One of a set a gone application left, which goes whole or not at all: these members
    /// stay (not selected, or kept themselves).
    case setStays(Holder, staying: [IPCReference])
    /// Its owner (not root) still runs processes in this namespace, one of which may hold it
    /// without mapping it; said only of broad selections.
    case ownerActive(uid: uid_t, processes: Int)
    /// /proc hides other users' processes from this caller (hidepid), so whether they use it
    /// is unknown.
    case processesHidden
    /// Some processes could not be read, so whether they use it is unknown: these, which
    /// may reach it.
    case usersUnknown(unreadable: [ProcessRef])
    /// The kernel would refuse this caller.
    case permissionDenied
    /// It was gone by the time it was to be removed.
    case vanished
    /// Its System V id names another object now (the first went and the id was reused).
    case idReused(Int32)
    /// Removal failed for another reason.
    case failed(IPCError)
  }

  /// Decides and (unless `dryRun`) carries out the fate of each selected object, in order.
  /// `users` is the /proc scan, needed unless `force`.
  public func clean(
    _ objects: [IPCObjectInfo], users: UsageScanner.Report?, dryRun: Bool, force: Bool
  ) -> [Outcome] {
    objects.map { clean($0, users: users, dryRun: dryRun, force: force) }
  }

  /// One object's fate; safe to call from several threads at once.
  ///
  /// `readJustNow` says the System V record was read from the kernel by id a moment ago (see
  /// `Inventory.mapSysVSlots`); the re-check before removal is made all the same, since
  /// planning may have waited for the /proc scan in between (#22).
  public func clean(
    _ original: IPCObjectInfo, users: UsageScanner.Report?, dryRun: Bool, force: Bool,
    readJustNow: Bool = false
  ) -> Outcome {
    let outcome = plan(original, users: users, force: force)
    return dryRun ? outcome : carriedOut(outcome, readJustNow: readJustNow)
  }

  /// What should become of one object: failed (the caller may not remove it), kept (and
  /// why), or would-remove. Permission comes first: "in use" said of an object the caller could
  /// never remove would send them to --force for nothing. Changes nothing; safe to call from
  /// several threads at once.
  public func plan(
    _ original: IPCObjectInfo, users: UsageScanner.Report?, force: Bool
  ) -> Outcome {
    var object = original
    guard inventory.context.caller.mayRemove(object) else {
      return Outcome(object: object, action: .failed, reason: .permissionDenied)
    }
    object.users = users?.users(of: object)
    let unreadable = users?.unreadableProcesses ?? 0
    if let reason = keepReason(object, force: force, unreadable: unreadable, users: users) {
      return Outcome(object: object, action: .kept, reason: reason)
    }
    return Outcome(
      object: object, action: .wouldRemove, reason: object.queuedMessages.map(Reason.messagesWent))
  }

  /// Removes what a plan would remove, turning it into removed, gone or failed; every other
  /// outcome stands as planned.
  ///
  /// `readJustNow`: the System V record was read from its slot by this thread a moment ago;
  /// `waitedSinceRead: false` adds that planning it waited for nothing (no /proc scan), so
  /// that read is as current as a second one would be.
  public func carriedOut(_ outcome: Outcome, readJustNow: Bool = false, waitedSinceRead: Bool = true)
    -> Outcome
  {
    guard outcome.action == .wouldRemove else { return outcome }
    var done = outcome
    // A record is read again by id before IPC_RMID, unless it was read just now and nothing
    // was waited for since. Why that is as safe: the slot read (*_STAT_ANY) gave the record of
    // the object in the slot then and its id, slot and sequence number; IPC_RMID by that id
    // removes only the object that has it (the kernel compares the sequence number), never a
    // later one in the same slot. A second *_STAT by id leaves the same window open between
    // it and IPC_RMID as the slot read does when planning was microseconds of work in memory:
    // it narrows nothing and costs a call per object. Where planning waited for the /proc
    // scan (milliseconds to seconds), the record is old: read again, an object that went and
    // whose id another took meanwhile (a root setting kernel.*_next_id) shows by its key,
    // owner, creation time and size, and is left alone.
    let (action, reason) = removal(outcome.object, recheck: !readJustNow || waitedSinceRead)
    done.action = action
    done.reason = action == .removed ? outcome.reason : reason  // removed: the messages that went
    return done
  }

  /// Decides, before any object is planned, which sets left by gone applications stay: a set
  /// goes only if every member is selected and would be removed on its own. Taking part of one
  /// strands the rest (a new postmaster finds its old dynamic segments through the old
  /// interlock). `selected` is the run's selection.
  public mutating func planLeftSets(
    selected: (IPCObjectInfo) -> Bool, users: UsageScanner.Report?, force: Bool
  ) {
    guard !force else { return }
    let caller = inventory.context.caller
    for (index, set) in holds.leftSets.enumerated() {
      let stay = set.members.filter { member in
        guard selected(member), caller.mayRemove(member) else { return true }
        var planned = member
        planned.users = users?.users(of: member)
        return keepReason(planned, force: false, unreadable: users?.unreadableProcesses ?? 0,
          users: users, consideringSets: false) != nil
      }
      if !stay.isEmpty { staying[index] = stay.map(\.reference) }
    }
  }

  /// Why an object stays, or nil if it may go.
  func keepReason(
    _ object: IPCObjectInfo, force: Bool, unreadable: Int, users report: UsageScanner.Report?,
    consideringSets: Bool = true
  ) -> Reason? {
    let segment = object.details.sysvSegment
    if let segment, segment.markedForRemoval {
      return .markedForRemoval(attached: segment.attached ?? 0)
    }
    guard !force else { return nil }
    if let users = object.users, !users.isEmpty { return .inUse(by: users) }
    if let attached = segment?.attached, attached > 0 { return .attached(count: attached) }
    if let holder = holds.holder(of: object) { return .heldBy(holder) }
    if consideringSets, let index = holds.leftSetIndex(of: object), let stay = staying[index] {
      return .setStays(
        holds.leftSets[index].holder, staying: stay.filter { $0 != object.reference })
    }
    if let evidence = ActivityEvidence.of(object, live: liveProcesses, now: inventory.context.clock.now) {
      return .activity(evidence)
    }
    // Data nobody has read yet is not discarded by a selector that names no object.
    if broadSelection, let messages = object.queuedMessages { return .holdsMessages(messages) }
    // A crashed cluster's set is known to be no running program's: the owner's other
    // processes (another cluster) do not keep it.
    if broadSelection, object.uid != 0, holds.leftSetIndex(of: object) == nil, let report {
      // A POSIX object is a file of /dev/shm: any process that sees that /dev/shm may hold it,
      // whichever IPC namespace it is in.
      let here = report.processes(ofOwner: object.uid)
      let inShm = object.kind.isFileInDevShm
      let count = max(here, inShm ? shmSharers.processes(ofOwner: object.uid) : 0)
      if count > 0 { return .ownerActive(uid: object.uid, processes: count) }
    }
    if object.users == nil && object.kind.isNamed {
      if report?.processesHidden == true { return .processesHidden }
      return .usersUnknown(unreadable: report?.unreadable(for: object) ?? [])
    }
    return nil
  }

  private func removal(_ object: IPCObjectInfo, recheck: Bool) -> (Action, Reason?) {
    if recheck, let id = object.id, let changed = stillTheSame(object, id: id) {
      return (.gone, changed)
    }
    do {
      try inventory.remove(object)
      return (.removed, nil)
    } catch where error.isNoSuchObject {
      return (.gone, .vanished)
    } catch where error.code?.isPermissionDenied == true {
      return (.failed, .permissionDenied)
    } catch {
      return (.failed, .failed(error))
    }
  }

  /// A System V id is recycled once its object goes: before IPC_RMID, check that it still
  /// names the same object (see `isSameSysVObject`). Returns why not, or nil if it does.
  private func stillTheSame(_ object: IPCObjectInfo, id: Int32) -> Reason? {
    guard let now = inventory.sysvRecord(object.kind, id) else { return .vanished }
    guard now.isSameSysVObject(as: object) else { return .idReused(id) }
    return nil
  }
}

extension IPCObjectInfo {
  /// How many messages a queue holds, if it holds any.
  public var queuedMessages: UInt64? {
    let count: UInt64? =
      switch details {
      case .posixQueue(let queue): queue.messages
      case .sysvQueue(let queue): queue.messages
      default: nil
      }
    return count.flatMap { $0 > 0 ? $0 : nil }
  }
}
