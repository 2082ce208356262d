import Glibc

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
  }

  /// How many seconds of quiet before a queue or set without other evidence counts as
  /// unused. Short: cleaning right after a crash is the main use, and leftovers are older than
  /// this by the time anyone looks; long enough that a program between its msgget and its first
  /// message, or whose last user just ended, keeps its object.
  public static let quietSeconds = 5

  /// The evidence of use the kernel holds, or nil where there is none (a crashed program's
  /// leftovers: dead last users, nobody waiting, quiet for a while).
  static func of(_ object: IPCObjectInfo, proc: String, now: Int = time(nil))
    -> ActivityEvidence?
  {
    switch object.details {
    case .sysvSharedMemory(let segment):
      guard segment.attached == 0, segment.lastAttach == nil, let pid = segment.creatorPID,
        let creator = LiveProcess.ref(pid, proc: proc)
      else { return nil }
      return .notAttachedYet(creator: creator)
    case .sysvQueue(let queue):
      let operations: [(Operation, pid_t?, Int?)] = [
        (.send, queue.lastSendPID, queue.lastSend),
        (.receive, queue.lastReceivePID, queue.lastReceive),
      ]
      return lastUse(operations, created: object.changed, proc: proc, now: now)
    case .sysvSemaphore(let set):
      guard let id = object.id,
        let states = set.states ?? (try? SysVSemaphoreSet.states(id, count: Int(set.count ?? 0)))
      else { return nil }
      let waiting = states.reduce(0) { $0 + Int($1.waitingForIncrease) + Int($1.waitingForZero) }
      if waiting > 0 { return .waiting(count: waiting) }
      // semop's time is the set's; each semaphore keeps the pid of its own last operation.
      return lastUse(
        states.map { (.semop, $0.lastPID, set.lastOperation) }, created: object.changed,
        proc: proc, now: now)
    default:
      return nil
    }
  }

  /// The newest use by a live process; else use or creation within `quietSeconds`.
  private static func lastUse(
    _ operations: [(Operation, pid_t?, Int?)], created: Int?, proc: String, now: Int
  ) -> ActivityEvidence? {
    let used = operations.filter { ($0.1 ?? 0) > 0 }
    let live = used.compactMap { operation, pid, time -> (Operation, ProcessRef, Int?)? in
      guard let pid, let process = LiveProcess.ref(pid, proc: proc) else { return nil }
      return (operation, process, time)
    }
    if let newest = live.max(by: { ($0.2 ?? 0) < ($1.2 ?? 0) }) {
      return .recent(newest.0, by: newest.1, at: newest.2)
    }
    let times = used.compactMap { operation, _, time in time.map { (operation, $0) } }
    if let newest = times.max(by: { $0.1 < $1.1 }), now - newest.1 < quietSeconds {
      return .recentlyUsed(newest.0, at: newest.1)
    }
    if used.isEmpty, let created, now - created < quietSeconds { return .new(createdAt: created) }
    return nil
  }
}

/// Whether a pid names a live process, and what it is called.
enum LiveProcess {
  /// The process, if one has this pid now (a pid reused since counts as alive: keeping an
  /// object by mistake is the safe side).
  static func ref(_ pid: pid_t, proc: String) -> ProcessRef? {
    guard pid > 0, kill(pid, 0) == 0 || Errno.current == .notPermitted else { return nil }
    return ProcessRef.reading(pid, proc: proc) ?? ProcessRef(pid: pid, commandBytes: [])
  }
}
