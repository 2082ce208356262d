import Glibc

/// Why a System V queue or semaphore set counts as in use. The kernel records no users of
/// them (no attachments, no file to map), but it does record waiters, and the last process to
/// send, receive or operate, and when: a live last user, or a process blocked on the set, is
/// evidence enough to keep it.
public enum ActivityEvidence: Sendable, Equatable {
  /// Processes blocked in semop on the set (semncnt + semzcnt).
  case waiting(count: Int)
  /// The last operation, by a process that is still alive.
  case recent(Operation, by: ProcessRef, at: Int?)

  public enum Operation: String, Sendable {
    case send, receive, semop
  }

  /// The evidence of use the kernel holds for a System V queue or set, or nil where there is
  /// none (a crashed program's leftovers: dead last users, nobody waiting).
  static func of(_ object: IPCObjectInfo, proc: String) -> ActivityEvidence? {
    switch object.details {
    case .sysvQueue(let queue):
      let operations: [(Operation, pid_t?, Int?)] = [
        (.send, queue.lastSendPID, queue.lastSend), (.receive, queue.lastReceivePID, queue.lastReceive),
      ]
      // The most recent operation whose process lives.
      return operations.compactMap { operation, pid, time -> (Operation, ProcessRef, Int?)? in
        guard let pid, let process = LiveProcess.ref(pid, proc: proc) else { return nil }
        return (operation, process, time)
      }.max { ($0.2 ?? 0) < ($1.2 ?? 0) }.map { .recent($0.0, by: $0.1, at: $0.2) }
    case .sysvSemaphore(let set):
      guard let id = object.id else { return nil }
      let states = set.states ?? (try? SysVSemaphoreSet.states(id, count: Int(set.count ?? 0)))
      guard let states else { return nil }
      let waiting = states.reduce(0) { $0 + Int($1.waitingForIncrease) + Int($1.waitingForZero) }
      if waiting > 0 { return .waiting(count: waiting) }
      for state in states where state.lastPID > 0 {
        if let process = LiveProcess.ref(state.lastPID, proc: proc) {
          return .recent(.semop, by: process, at: set.lastOperation)
        }
      }
      return nil
    default:
      return nil
    }
  }
}

/// Whether a pid names a live process, and what it is called.
enum LiveProcess {
  /// The process, if one has this pid now (a pid reused since counts as alive: keeping an
  /// object by mistake is the safe side).
  static func ref(_ pid: pid_t, proc: String) -> ProcessRef? {
    guard pid > 0, kill(pid, 0) == 0 || Errno.current == .notPermitted else { return nil }
    let comm = (try? FileDescriptor.open("\(proc)/\(pid)/comm", O_RDONLY).read(upTo: 64)) ?? []
    return ProcessRef(pid: pid, commandBytes: comm.last == 0x0A ? Array(comm.dropLast()) : comm)
  }
}
