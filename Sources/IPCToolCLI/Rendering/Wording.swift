import Glibc
import IPCKit

// The library returns values; these are the sentences the command line makes of them.

extension IPCError {
  /// "unlink posix-shm:/x: Permission denied", without the hint. The subject is a reference's
  /// description, whose name is escaped already: escaping it again would print a name other
  /// than the one to type back.
  var description: String { "\(operation) \(subject): \(reason.words)" }

  /// "create sysv-mq: No space left on device (too many queues: kernel.msgmni = 1; see
  /// 'ipctool limits')": the failure, what it ran into, and where to look.
  var line: String {
    guard let hint else { return description }
    let pointer = hint.isKernelLimit ? "; see 'ipctool limits'" : ""
    return "\(description) (\(hint.text)\(pointer))"
  }
}

extension IPCError.Reason {
  /// "Permission denied", "no such object", "/dev/shm is not a tmpfs (ext4): not read".
  var words: String {
    switch self {
    case .system(let code): code.description
    case .noSuchObject: "no such object"
    case .noShm: "no /dev/shm"
    case .shmRefused(let path, let why): "\(path) is \(why.words)"
    case .valueAboveSemValueMax(let value): "value \(value) is above SEM_VALUE_MAX (\(Int32.max))"
    case .notNamespaceRoot(let code): "cannot act as the root of the target's user namespace (\(code))"
    }
  }
}

extension IPCError.Hint {
  /// "too many queues: kernel.msgmni = 1", "the key is sysv-mq:5's", "/dev/shm is full".
  var text: String {
    switch self {
    case .tooManySysVQueues(let msgmni): "too many queues: \(setting("kernel.msgmni", msgmni))"
    case .segmentSize(let shmmax):
      "size outside 1 (shmmin) .. \(setting("kernel.shmmax", shmmax, unlimited: true))"
    case .tooManySegments(let shmmni, let shmall):
      "too many segments or pages: \(setting("kernel.shmmni", shmmni, unlimited: true)),"
        + " \(setting("kernel.shmall", shmall, unlimited: true))"
    case .semaphoresPerSet(let sem): "count above SEMMSL: \(semSetting(sem))"
    case .tooManySemaphores(let sem): "too many sets or semaphores: \(semSetting(sem))"
    case .posixQueueLimits(let msgMax, let msgsizeMax):
      "limits above \(setting("fs.mqueue.msg_max", msgMax)) or"
        + " \(setting("fs.mqueue.msgsize_max", msgsizeMax)), or zero"
    case .tooManyPosixQueues(let queuesMax):
      "too many queues: \(setting("fs.mqueue.queues_max", queuesMax))"
    case .queueMemoryOrDescriptors:
      "the queues' memory would exceed RLIMIT_MSGQUEUE (ulimit -q),"
        + " or too many open descriptors (ulimit -n)"
    case .processLimit: "RLIMIT_NPROC or kernel.pid_max"
    case .tooManyDescriptors: "too many open descriptors (ulimit -n)"
    case .keyTaken(let kind, let id): "the key is \(kind.rawValue):\(id)'s"
    case .valueAboveSEMVMX: "value above SEMVMX (32767)"
    case .shmFull(let path, let free):
      "\(path) is full" + (free.map { " (\(ByteSize.human($0)) free)" } ?? "")
    case .largerThanShm(let path, let total): "larger than \(path) (\(ByteSize.human(total)) in all)"
    }
  }
}

/// "kernel.msgmni = 32000"; "?" where it could not be read.
private func setting(_ name: String, _ value: UInt64?, unlimited: Bool = false) -> String {
  let shown = value.map { unlimited && KernelLimit.isUnlimited($0) ? "unlimited" : String($0) }
  return "\(name) = \(shown ?? "?")"
}

/// "kernel.sem = 32000 1024000000 500 32000 (SEMMSL SEMMNS SEMOPM SEMMNI)".
private func semSetting(_ fields: [Substring]?) -> String {
  "kernel.sem = \(fields?.joined(separator: " ") ?? "?") (SEMMSL SEMMNS SEMOPM SEMMNI)"
}

extension TargetError {
  /// "--target 42: cannot join its IPC namespace: Operation not permitted (CAP_SYS_ADMIN is
  /// needed)".
  var line: String {
    switch self {
    case .noSuchProcess(let pid): "--target \(pid): no such process"
    case .namespaceNotVisible(let pid, let code):
      "--target \(pid): cannot see its IPC namespace: \(code) (ptrace access to the process is needed)"
    case .namespaceNotOpened(let pid, let code):
      "--target \(pid): cannot open its IPC namespace: \(code)"
    case .namespaceNotJoined(let pid, let code):
      "--target \(pid): cannot join its IPC namespace: \(code) (CAP_SYS_ADMIN is needed)"
    }
  }
}

extension IPCReferenceError {
  /// The error, and for a bare word the POSIX name it most likely meant (typed without its
  /// slash): "invalid reference 'jobs': ...; did you mean '/jobs'?".
  var line: String {
    guard case .malformed(let word) = self, !word.isEmpty, !word.contains(":"),
      !word.hasPrefix("/")
    else { return description }
    return description + "; did you mean '/\(printable(word))'?"
  }
}

extension Cleaner.Reason {
  /// What follows the object in clean's line: "kept posix-shm:/x: in use by 42 (sleep)".
  var words: String {
    switch self {
    case .markedForRemoval(let attached):
      "already marked for removal; freed when \(attached == 1 ? "its process detaches" : "its \(attached) processes detach")"
    // Capped as list's USERS cell is (inspect and JSON name them all).
    case .inUse(let users):
      "in use by "
        + (users.count > 3
          ? "\(users[0]) +\(users.count - 1)" : users.map(\.description).joined(separator: ", "))
    case .attached(let count): "attached by \(count) \(count == 1 ? "process" : "processes")"
    case .activity(.waiting(let count)): "in use: \(count) waiting"
    case .activity(.recent(.setValue, let process, _)):
      "in use: last changed by \(process) (semctl SETVAL or SETALL; no semop yet)"
    case .activity(.recent(let operation, let process, let time)):
      "in use: last \(operation.rawValue)\(time.map { " " + ago($0) } ?? "") by \(process)"
    // The last user has ended: others may be at work still, so kept a moment, not "in use".
    case .activity(.recentlyUsed(let operation, let time)):
      "recently used (last \(operation.rawValue) \(ago(time)), by a process that has ended),"
        + " kept for \(ActivityEvidence.quietSeconds) s (--force removes it)"
    case .activity(.notAttachedYet(let creator)):
      "in use: created by \(creator), not attached yet"
    case .activity(.new(let created)):
      "new: created \(ago(created)), not used yet (--force removes it)"
    case .holdsMessages(let count):
      "holds \(messages(count)) nobody has received (a name, a prefix or --force removes it)"
    case .messagesWent(let count): "\(messages(count)) in it went too"
    case .heldBy(let holder):
      switch holder.basis {
      case .listed: "held by \(holder.description) between uses"
      case .unread:
        "may be held by \(holder.description): its records could not be read (--force removes it)"
      case .justMade(let changed):
        "made \(ago(changed)) beside \(holder.description), which lists it soon; kept for"
          + " \(ActivityEvidence.quietSeconds) s"
      }
    case .setStays(let holder, let staying):
      "left by \(holder.description) with \(listed(staying)), which stay; the set goes whole"
        + " or not at all"
    case .ownerActive(let uid, let processes):
      "owner \(UserNames().name(of: uid)) has \(processes) live \(processes == 1 ? "process" : "processes")"
        + " here; one may hold it without mapping it (--force removes it)"
    case .processesHidden:
      "users unknown: /proc hides other users' processes (hidepid) (--force removes it)"
    case .usersUnknown(let unreadable):
      // Who, so that one can look: "pid 1 (systemd) could not be read".
      "users unknown: "
        + (unreadable.isEmpty
          ? "processes" : "\(unreadable.count == 1 ? "pid" : "pids") \(listed(unreadable))")
        + " could not be read; \(geteuid() == 0 ? "" : "running as root would tell, or ")--force removes it"
    case .permissionDenied: Errno.permissionDenied.description
    case .vanished: "vanished before removal"
    case .idReused(let id): "id \(id) now names another object"
    case .failed(let error):
      error.hint.map { "\(error.reason.words) (\($0.text))" } ?? error.reason.words
    }
  }
}

extension Cleaner.Reason {
  /// The words, in a dry run's tense where they tell what removal does.
  func words(dryRun: Bool) -> String {
    guard dryRun, case .messagesWent(let count) = self else { return words }
    return "\(messages(count)) in it would go too"
  }
}

extension Cleaner.Reason {
  /// The reason as a value for JSON: in_use, attached, waiting, active, recently_used,
  /// not_attached_yet, new, holds_messages, messages_discarded, held_by_application, set_stays, owner_active, users_unknown,
  /// marked_for_removal, permission_denied, vanished, id_reused, failed.
  var code: String {
    switch self {
    case .inUse: "in_use"
    case .attached: "attached"
    case .activity(.waiting): "waiting"
    case .activity(.recent): "active"
    case .activity(.recentlyUsed): "recently_used"
    case .activity(.notAttachedYet): "not_attached_yet"
    case .activity(.new): "new"
    case .holdsMessages: "holds_messages"
    case .messagesWent: "messages_discarded"
    case .heldBy: "held_by_application"
    case .setStays: "set_stays"
    case .ownerActive: "owner_active"
    case .usersUnknown, .processesHidden: "users_unknown"
    case .markedForRemoval: "marked_for_removal"
    case .permissionDenied: "permission_denied"
    case .vanished: "vanished"
    case .idReused: "id_reused"
    case .failed: "failed"
    }
  }
}

/// "1 (systemd)", "1 (systemd) and 77 (x)", "1 (systemd), 77 (x) and 3 more".
func listed(_ processes: [ProcessRef]) -> String {
  let shown = processes.prefix(2).map(\.description)
  switch processes.count {
  case 0, 1, 2: return shown.joined(separator: " and ")
  default: return shown.joined(separator: ", ") + " and \(processes.count - 2) more"
  }
}

/// "1 message", "3 messages".
func messages(_ count: UInt64) -> String { count == 1 ? "1 message" : "\(count) messages" }

/// "sysv-shm:5", "sysv-shm:5 and posix-shm:/PostgreSQL.1", "sysv-shm:5 and 3 more".
func listed(_ references: [IPCReference]) -> String {
  switch references.count {
  case 0: "nothing else"
  case 1: references[0].description
  case 2: "\(references[0]) and \(references[1])"
  default: "\(references[0]) and \(references.count - 1) more"
  }
}

extension ListingGap {
  /// One line for stderr: which kind could not be read, why, and what to do.
  var sentence: String {
    switch self {
    case .queuesNotMounted:
      "posix-mq: the mqueue filesystem is not mounted, so POSIX message queues cannot be"
        + " listed; mount it with: mount -t mqueue none /dev/mqueue"
    case .queueDirectoryUnreadable(let path, let code):
      "posix-mq: \(path): \(code)"
    case .privateQueueMountFailed(let code):
      "posix-mq: private mqueue mount: \(code)"
    case .queuesOfAnotherNamespace:
      "posix-mq: asked from outside the IPC namespace being read, so its POSIX message queues are not listed"
    case .queueMountOfAnotherNamespace(let path):
      "posix-mq: the mqueue filesystem at \(path) is another IPC namespace's (entered with"
        + " nsenter --ipc but not --mount?), so this namespace's POSIX message queues cannot be listed"
    case .queueMountUnproven(let path):
      "posix-mq: cannot tell whether the mqueue filesystem at \(path) is this IPC namespace's,"
        + " so POSIX message queues are not listed; run as root to list them"
    case .shmDirectoryUnreadable(let path, let code):
      "posix-shm, posix-sem: \(path): \(code); POSIX shared memory and semaphores cannot be listed"
    case .shmRefused(let path, let reason):
      "posix-shm, posix-sem: \(path) is \(reason.words)"
    }
  }
}

extension ShmRefusal {
  /// What follows "/proc/7/root/dev/shm is ".
  var words: String {
    switch self {
    case .mountTableUnreadable: "not verifiable (its mount table cannot be read): not read"
    case .rootNotInMountTable: "not verifiable (its root is not a mount its table shows): not read"
    case .notTmpfs(let filesystem): "not a tmpfs (\(filesystem)): not read"
    case .reachedThrough(let filesystem): "reached through a \(filesystem) mount: not read"
    case .symbolicLink: "a symbolic link, or reached through one: not read"
    case .notTheMountedTmpfs: "not the tmpfs its mount table shows at /dev/shm: not read"
    case .userNamespaceUnreadable: "not verifiable (its user namespace cannot be read): not read"
    }
  }
}

extension PiError {
  /// The line after "ipctool: ". A setup failure names its operation itself ("pi sysv-mq: ...").
  var message: String {
    switch self {
    case .stopped(let signal):
      "pi: stopped by \(signalName(signal)); everything it made was removed"
    case .workerFailed(let mechanism, let worker, let pid, let exit):
      "pi: \(mechanism.map { $0.rawValue + ": " } ?? "")worker \(worker) (pid \(pid)) \(exit.words);"
        + " the run was stopped and everything it made removed"
    case .setup(let error): error.line
    case .cleanupHelperDied(let pid, let exit):
      "pi: the cleanup helper (pid \(pid)) \(exit.map(\.words) ?? "died");"
        + " the run was stopped and everything it made removed"
    case .timedOut(let mechanism, let seconds, let late):
      "pi: \(mechanism.map { $0.rawValue + ": " } ?? "")timed out after \(PiCommand.format(seconds, "%g")) s;"
        + " \(late.isEmpty ? "no worker" : late.map { "worker \($0.worker) (pid \($0.pid))" }.joined(separator: ", "))"
        + " had not finished; the run was stopped and everything it made removed"
    case .incomplete(let mechanism, let received, let expected):
      "pi: \(mechanism): the workers delivered \(received) of \(expected) partial sums"
    }
  }
}

extension ChildExit {
  var words: String {
    switch self {
    case .exited(let code): "exited with status \(code)"
    case .signaled(let signal): "was killed by \(signalName(signal))"
    }
  }
}

/// "signal 9 (Killed)".
func signalName(_ signal: CInt) -> String {
  let text = strsignal(signal).map { String(cString: $0) } ?? "unknown"
  return "signal \(signal) (\(text))"
}

/// "3 s ago", "5 min ago", "2 h ago", "4 d ago".
func ago(_ time: Int, now: Int = time(nil)) -> String {
  let seconds = max(0, now - time)
  switch seconds {
  case ..<120: return "\(seconds) s ago"
  case ..<7200: return "\(seconds / 60) min ago"
  case ..<172_800: return "\(seconds / 3600) h ago"
  default: return "\(seconds / 86400) d ago"
  }
}
