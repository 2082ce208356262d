import Glibc
import Testing

@testable import IPCKit
@testable import IPCToolCLI

/// The sentences the command line makes of the library's values, byte for byte as they were
/// when the library wrote them; clean's words for reasons that only a clock decides, without
/// waiting for it.
@Suite struct WordingTests {
  static func sysv(_ kind: IPCKind, id: Int32) -> IPCObjectInfo {
    let details: IPCKit.Details =
      switch kind {
      case .sysvQueue: .sysvQueue(SysVQueueDetails())
      case .sysvSemaphore: .sysvSemaphore(SysVSemaphoreSetDetails())
      default: .sysvSharedMemory(SysVSegmentDetails())
      }
    return IPCObjectInfo(.sysv(id: id, key: 0), uid: 0, gid: 0, permissions: .init(rawValue: 0o600), details: details)
  }

  /// The lines and summary a report of these outcomes prints.
  static func text(_ outcomes: [Cleaner.Outcome], dryRun: Bool = false) -> [String] {
    let report = CleanReport(json: false, dryRun: dryRun)
    for outcome in outcomes { report.add(outcome) }
    return report.document(dryRun: dryRun).map(\.string).joined().split(separator: "\n").map(String.init)
  }

  @Test func hintsReadAsTheyDid() {
    let cases: [(IPCError.Hint, String)] = [
      (.tooManySysVQueues(msgmni: 1), "too many queues: kernel.msgmni = 1"),
      (.tooManySysVQueues(msgmni: nil), "too many queues: kernel.msgmni = ?"),
      (.segmentSize(shmmax: UInt64(Int64.max)), "size outside 1 (shmmin) .. kernel.shmmax = unlimited"),
      (.tooManySegments(shmmni: 4096, shmall: 1 << 62),
       "too many segments or pages: kernel.shmmni = 4096, kernel.shmall = unlimited"),
      (.semaphoresPerSet(sem: ["32000", "1024000000", "500", "32000"]),
       "count above SEMMSL: kernel.sem = 32000 1024000000 500 32000 (SEMMSL SEMMNS SEMOPM SEMMNI)"),
      (.tooManySemaphores(sem: nil), "too many sets or semaphores: kernel.sem = ? (SEMMSL SEMMNS SEMOPM SEMMNI)"),
      (.posixQueueLimits(msgMax: 10, msgsizeMax: 8192),
       "limits above fs.mqueue.msg_max = 10 or fs.mqueue.msgsize_max = 8192, or zero"),
      (.tooManyPosixQueues(queuesMax: 256), "too many queues: fs.mqueue.queues_max = 256"),
      (.queueMemoryOrDescriptors,
       "the queues' memory would exceed RLIMIT_MSGQUEUE (ulimit -q), or too many open descriptors (ulimit -n)"),
      (.processLimit, "RLIMIT_NPROC or kernel.pid_max"),
      (.tooManyDescriptors, "too many open descriptors (ulimit -n)"),
      (.keyTaken(.sysvQueue, id: 5), "the key is sysv-mq:5's"),
      (.valueAboveSEMVMX, "value above SEMVMX (32767)"),
      (.shmFull(path: "/dev/shm", free: nil), "/dev/shm is full"),
      (.shmFull(path: "/dev/shm", free: 4096), "/dev/shm is full (\(ByteSize.human(4096)) free)"),
      (.largerThanShm(path: "/dev/shm", total: 65536), "larger than /dev/shm (\(ByteSize.human(65536)) in all)"),
    ]
    for (hint, words) in cases { #expect(hint.text == words) }
  }

  @Test func aKernelLimitPointsToLimits() {
    var error = IPCError(operation: "create", subject: "sysv-mq", reason: .system(.noSpace), code: .noSpace)
    error.hint = .tooManySysVQueues(msgmni: 1)
    #expect(error.line == "create sysv-mq: No space left on device (too many queues: kernel.msgmni = 1; see 'ipctool limits')")
    error.hint = .keyTaken(.sysvQueue, id: 0)
    #expect(error.line == "create sysv-mq: No space left on device (the key is sysv-mq:0's)")
  }

  @Test func nameErrorsShowControlCharactersEscaped() {
    #expect(IPCNameError.missingSlash("a\\nb").description == "invalid name 'a\\nb': a POSIX name starts with '/'")
  }

  @Test func reasonsReadAsTheyDid() {
    let cases: [(IPCError.Reason, String)] = [
      (.system(.permissionDenied), "Permission denied"),
      (.noSuchObject, "no such object"),
      (.noShm, "no /dev/shm"),
      (.shmRefused(path: "/proc/7/root/dev/shm", why: .notTmpfs(filesystem: "ext4")),
       "/proc/7/root/dev/shm is not a tmpfs (ext4): not read"),
      (.shmRefused(path: "/dev/shm", why: .symbolicLink), "/dev/shm is a symbolic link, or reached through one: not read"),
      (.shmRefused(path: "/proc/7/root/dev/shm", why: .reachedThrough(filesystem: "fuse.x")),
       "/proc/7/root/dev/shm is reached through a fuse.x mount: not read"),
      (.notNamespaceRoot(.invalidArgument),
       "cannot act as the root of the target's user namespace (Invalid argument)"),
      (.valueAboveSemValueMax(4_000_000_000), "value 4000000000 is above SEM_VALUE_MAX (2147483647)"),
    ]
    for (reason, words) in cases {
      #expect(IPCError(operation: "unlink", subject: "posix-shm:/x", reason: reason).description
        == "unlink posix-shm:/x: " + words)
    }
  }

  @Test func targetFailuresNameTheOption() {
    #expect(TargetError.noSuchProcess(7).line == "--target 7: no such process")
    #expect(TargetError.namespaceNotVisible(7, .permissionDenied).line
      == "--target 7: cannot see its IPC namespace: Permission denied (ptrace access to the process is needed)")
    #expect(TargetError.namespaceNotJoined(7, .notPermitted).line
      == "--target 7: cannot join its IPC namespace: Operation not permitted (CAP_SYS_ADMIN is needed)")
  }

  @Test func aBareWordIsOfferedWithItsSlash() {
    let start = "invalid reference 'jobs': expected /name, KIND:/name, KIND:ID or KIND:0xKEY"
    #expect(IPCReferenceError.malformed("jobs").line == start + "; did you mean '/jobs'?")
    #expect(IPCReferenceError.malformed("jobs").description == start)
    #expect(IPCReferenceError.malformed("a:b").line.hasSuffix("or KIND:0xKEY"))
  }

  /// A set whose last user has ended, used 3 h ago by a clock's reckoning: the engine decides
  /// (CleanRulesTests); here, its words and count.
  @Test func recentlyUsedIsSaidAndCountedApart() {
    let when = time(nil) - 3 * 3600 - 1800
    let outcome = Cleaner.Outcome(
      object: Self.sysv(.sysvSemaphore, id: 7), action: .kept, reason: .activity(.recentlyUsed(.semop, at: when)))
    #expect(Self.text([outcome]) == [
      "kept     sysv-sem:7: recently used (last semop 3 h ago, by a process that has ended), kept for 5 s (--force removes it)",
      "removed 0, kept 0 in use, 1 recently used, failed 0",
    ])
  }

  @Test func unreadMessagesAreSaidAndCountedApart() {
    let queue = Self.sysv(.sysvQueue, id: 3)
    let kept = Cleaner.Outcome(object: queue, action: .kept, reason: .holdsMessages(1))
    #expect(Self.text([kept]) == [
      "kept     sysv-mq:3: holds 1 message nobody has received (a name, a prefix or --force removes it)",
      "removed 0, kept 0 in use, 1 holding messages, failed 0",
    ])
    let removed = Cleaner.Outcome(object: queue, action: .removed, reason: .messagesWent(2))
    #expect(Self.text([removed]).first == "removed  sysv-mq:3: 2 messages in it went too")
    let planned = Cleaner.Outcome(object: queue, action: .wouldRemove, reason: .messagesWent(1))
    #expect(Self.text([planned], dryRun: true).first == "would remove sysv-mq:3: 1 message in it would go too")
  }

  /// Kinds, kind groups and pi's mechanisms, as help and completions showed them when the
  /// library held the words (issue #25).
  @Test func kindsGroupsAndMechanismsReadAsTheyDid() {
    #expect(IPCKind.allCases.map(\.summary) == [
      "POSIX message queue", "System V message queue", "POSIX shared memory",
      "System V shared memory segment", "POSIX named semaphore", "System V semaphore set",
    ])
    #expect(IPCKindGroup.allCases.map(\.summary) == [
      "every POSIX kind", "every System V kind", "both kinds of message queue",
      "both kinds of shared memory", "both kinds of semaphore", "every kind",
    ])
    #expect(PiMechanism.allCases.map(\.summary) == [
      "one pipe shared by all workers", "a Unix socketpair per worker", "a POSIX message queue",
      "a System V message queue", "POSIX shared memory guarded by a POSIX named semaphore",
      "System V shared memory guarded by a System V semaphore (SEM_UNDO)",
    ])
  }

  @Test func aHolderReadsAsItDid() {
    let postmaster = ProcessRef(pid: 4242, commandBytes: Array("postgres -D /db".utf8))
    let running = Holder(application: "PostgreSQL", role: "postmaster", process: postmaster)
    #expect(running.description == "PostgreSQL, postmaster 4242")
    let gone = Holder(application: "PostgreSQL", role: "postmaster", process: nil, formerPID: 4242)
    #expect(gone.description == "PostgreSQL, postmaster 4242 (gone)")
    let unknown = Holder(application: "Python multiprocessing", role: "resource tracker", process: nil)
    #expect(unknown.description == "Python multiprocessing, resource tracker (gone)")
  }

  /// Every limit the library reads has its words, the same as when the library wrote them:
  /// WHAT and SET BY of `ipctool limits`.
  @Test func everyKernelLimitReadsAsItDid() {
    let words: [String: (what: String, setBy: String)] = [
      "msgmni": ("System V message queues", "kernel.msgmni"),
      "msgmax": ("bytes in one System V message", "kernel.msgmax"),
      "msgmnb": ("bytes a new System V queue may hold", "kernel.msgmnb"),
      "shmmni": ("System V shared memory segments", "kernel.shmmni"),
      "shmall": ("pages of System V shared memory in all", "kernel.shmall"),
      "shmmax": ("bytes in one System V segment", "kernel.shmmax"),
      "shmmin": ("smallest System V segment, bytes", "fixed in the kernel"),
      "semmni": ("System V semaphore sets", "kernel.sem (4th field)"),
      "semmns": ("System V semaphores in all", "kernel.sem (2nd field)"),
      "semmsl": ("semaphores in one set", "kernel.sem (1st field)"),
      "semopm": ("operations in one semop call", "kernel.sem (3rd field)"),
      "semvmx": ("largest semaphore value", "fixed in the kernel"),
      "queues_max": ("POSIX message queues", "fs.mqueue.queues_max"),
      "msg_max": ("messages in one POSIX queue (unprivileged)", "fs.mqueue.msg_max"),
      "msgsize_max": ("bytes in one POSIX message (unprivileged)", "fs.mqueue.msgsize_max"),
      "msg_default": ("queue length when not given", "fs.mqueue.msg_default"),
      "msgsize_default": ("message size when not given", "fs.mqueue.msgsize_default"),
      "RLIMIT_MSGQUEUE":
        ("bytes of this user's POSIX queues (USED: this namespace's, about)", "ulimit -q (setrlimit)"),
      "shm_size": ("bytes of POSIX shared memory in /dev/shm", "/dev/shm mount option size= (tmpfs)"),
      "shm_inodes": ("files in /dev/shm", "/dev/shm mount option nr_inodes="),
    ]
    let limits = KernelLimits(inventory: Inventory(context: .system())).read().limits
    #expect(Set(limits.map(\.name)) == Set(words.keys))
    for limit in limits {
      #expect(limit.summary == words[limit.name]?.what, "\(limit.name)")
      #expect(limit.setBy == words[limit.name]?.setBy, "\(limit.name)")
    }
    // A file system's limits name the folder they were read from (a target's, with --target).
    let target = KernelLimit(name: "shm_size", value: 1, used: 0, folder: "/proc/7/root/dev/shm")
    #expect(target.summary == "bytes of POSIX shared memory in /proc/7/root/dev/shm")
    #expect(target.setBy == "/proc/7/root/dev/shm mount option size= (tmpfs)")
  }

  /// The command to mount the mqueue filesystem is advice for a terminal: the CLI's words.
  @Test func anUnmountedQueueFilesystemSaysHowToMountIt() {
    #expect(ListingGap.queuesNotMounted.sentence
      == "posix-mq: the mqueue filesystem is not mounted, so POSIX message queues cannot be"
      + " listed; mount it with: mount -t mqueue none /dev/mqueue")
  }
}
