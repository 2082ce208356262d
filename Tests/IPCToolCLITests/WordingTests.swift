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
}
