import Glibc
import Synchronization

/// Why a System V object the kernel keeps no users of counts as in use. Queues and semaphore
/// sets have no attachments and no file to map, but the kernel records waiters, and the last
/// process to send, receive or operate, and when: a process blocked on a set, a live last
/// user, or use within the last few seconds is evidence enough to keep it. A segment records
/// its creator: one its live creator has not attached yet is about to be used.
public enum ActivityEvidence: Sendable, Equatable {
  /// Processes blocked in semop on the set (semncnt + semzcnt).
  case waiting(count: Int)
  /// The last operation, by a process that is still alive.
  case recent(Operation, by: ProcessRef, at: Int?)
  /// The last operation, seconds ago, by a process that has ended: others that used it may
  /// well be at work still (the kernel keeps only the last pid).
  case recentlyUsed(Operation, at: Int)
  /// A queue or set nobody has used yet, made seconds ago: the kernel records nothing between
  /// a program's msgget or semget and its first message or semop.
  case new(createdAt: Int)
  /// A segment its creator, still alive, has not attached yet.
  case notAttachedYet(creator: ProcessRef)

  public enum Operation: String, Sendable {
    case send, receive, semop
    /// semctl's SETVAL or SETALL, which records the pid but no time (sem_otime stays 0).
    case setValue = "change"
  }

  /// How many seconds of quiet before a queue or set without other evidence counts as
  /// unused. Short: cleaning right after a crash is the main use, and leftovers are older than
  /// this by the time anyone looks; long enough that a program between its msgget and its first
  /// message, or whose last user just ended, keeps its object.
  public static let quietSeconds = 5

  /// The evidence of use the kernel holds, or nil where there is none (a crashed program's
  /// leftovers: dead last users, nobody waiting, quiet for a while).
  static func of(_ object: IPCObjectInfo, live: LiveProcesses, now: Int)
    -> ActivityEvidence?
  {
    switch object.details {
    case .sysvSharedMemory(let segment):
      guard segment.attached == 0, segment.lastAttach == nil, let pid = segment.creatorPID,
        let creator = live.ref(pid)
      else { return nil }
      return .notAttachedYet(creator: creator)
    case .sysvQueue(let queue):
      let operations: [(Operation, pid_t?, Int?)] = [
        (.send, queue.lastSendPID, queue.lastSend),
        (.receive, queue.lastReceivePID, queue.lastReceive),
      ]
      return lastUse(operations, created: object.changed, live: live, now: now)
    case .sysvSemaphore(let set):
      guard let id = object.id,
        let states = set.states ?? (try? SysVSemaphoreSet.states(id, count: Int(set.count ?? 0), values: false))
      else { return nil }
      let waiting = states.reduce(0) { $0 + Int($1.waitingForIncrease) + Int($1.waitingForZero) }
      if waiting > 0 { return .waiting(count: waiting) }
      // semop's time is the set's; each semaphore keeps the pid of its own last operation.
      // With no semop time, the pids were set by SETVAL or SETALL: a change, not an operation.
      let operation: Operation = set.lastOperation == nil ? .setValue : .semop
      return lastUse(
        states.lazy.map { (operation, $0.lastPID, set.lastOperation) }, created: object.changed,
        live: live, now: now)
    default:
      return nil
    }
  }

  /// The newest use by a live process; else use or creation within `quietSeconds`. One pass,
  /// no arrays: a clean asks this of tens of thousands of queues and sets.
  private static func lastUse(
    _ operations: some Sequence<(Operation, pid_t?, Int?)>, created: Int?, live: LiveProcesses,
    now: Int
  ) -> ActivityEvidence? {
    var newestLive: (Operation, ProcessRef, Int?)?
    var newestUse: (Operation, Int)?
    var used = false
    for (operation, pid, time) in operations {
      guard let pid, pid > 0 else { continue }
      used = true
      if let process = live.ref(pid), newestLive.map({ ($0.2 ?? 0) < (time ?? 0) }) ?? true {
        newestLive = (operation, process, time)
      }
      if let time, newestUse.map({ $0.1 < time }) ?? true { newestUse = (operation, time) }
    }
    if let newestLive { return .recent(newestLive.0, by: newestLive.1, at: newestLive.2) }
    if let newestUse, now - newestUse.1 < quietSeconds {
      return .recentlyUsed(newestUse.0, at: newestUse.1)
    }
    if !used, let created, now - created < quietSeconds { return .new(createdAt: created) }
    return nil
  }
}

/// Whether a pid names a live process, and what it is called, asked once per pid in a run: a
/// crashed program leaves tens of thousands of objects with the same creator or last user.
/// An answer stays true for the run, which lasts seconds at most: a process that ends
/// meanwhile keeps its objects (the safe side), and a pid freed and taken again meanwhile
/// would need as many new processes as pid_max allows.
final class LiveProcesses: Sendable {
  let proc: String
  private let known = Mutex<[pid_t: ProcessRef?]>([:])

  init(proc: String) {
    self.proc = proc
  }

  /// The process, if one has this pid now (a pid reused since counts as alive: keeping an
  /// object by mistake is the safe side).
  func ref(_ pid: pid_t) -> ProcessRef? {
    guard pid > 0 else { return nil }
    if let answer = known.withLock({ $0[pid] }) { return answer }
    var answer: ProcessRef?
    // A zombie has ended: it uses nothing, whatever the kernel last recorded of it.
    if Signals.processExists(pid) && !UsageScanner.isZombie(pid, proc: proc) {
      answer = ProcessRef.reading(pid, proc: proc) ?? ProcessRef(pid: pid, commandBytes: [])
    }
    known.withLock { $0[pid] = answer }
    return answer
  }
}
