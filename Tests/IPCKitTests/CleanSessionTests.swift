import CIPCShims
import Glibc
import TestSupport
import Testing

@testable import IPCKit

/// The clean session on real objects, in a fresh IPC namespace of the test's own and a fixture
/// /dev/shm, with a fixed clock: the order of its outcomes, and the quiet window decided by
/// the clock rather than waited out.
@Suite(.enabled(if: getuid() == 0, "needs root for a private IPC namespace"))
struct CleanSessionTests {
  /// Makes the next System V queue get `id` (msg_next_id, this thread's IPC namespace's).
  static func nextQueueID(_ id: Int32) throws {
    let fd = open("/proc/sys/kernel/msg_next_id", O_WRONLY | O_CLOEXEC)
    try #require(fd >= 0, "msg_next_id: errno \(errno)")
    defer { close(fd) }
    let text = Array("\(id)\n".utf8)
    try #require(write(fd, text, text.count) == text.count)
  }

  /// Kind order, names in byte order, ids in id order, whatever order slots and files were
  /// read in. A queue put in slot 1 with a larger id than the one in slot 5 comes after it:
  /// its kind's outcomes are put in id order before they are handed over.
  @Test func outcomesComeInListingOrder() throws {
    let (references, expected) = try onThread(in: .fresh) { () throws -> ([String], [String]) in
      let shm = try TemporaryDirectory()
      for name in ["b", "Z", "\u{E9}", "a"] { try shm.write(name, "x") }
      for name in ["sem.y", "sem.x"] { try shm.write(name, String(repeating: "\0", count: 32)) }
      try Self.nextQueueID(5)
      let low = msgget(IPC_PRIVATE, IPC_CREAT | 0o600)
      // Slot 1 with a larger sequence number, however many bits the kernel gives the slot.
      try Self.nextQueueID(1 << 24 | 1)
      let high = msgget(IPC_PRIVATE, IPC_CREAT | 0o600)
      let set = semget(IPC_PRIVATE, 1, IPC_CREAT | 0o600)
      defer {
        msgctl(low, IPC_RMID, nil)
        msgctl(high, IPC_RMID, nil)
        _ = ipcshim_semctl_command(set, 0, IPC_RMID)
      }
      try #require(low == 5 && high > low, "ids \(low), \(high)")
      // Read slot by slot, the kernel gives them out of id order.
      let slots = try #require(SysVSlots.ranges(.sysvQueue, size: 2048))
      let pass = SysVSlots.read(.sysvQueue, slots[0]) { $0.id }
      try #require(pass.results == [high, low])
      let context = IPCContext(paths: IPCPaths(shm: shm.path, mqueue: "/nonexistent"), clock: .fixed(0))
      let kinds = Set(IPCKind.allCases).subtracting([.posixQueue])
      let session = CleanSession(context, selection: Selection(kinds: kinds), force: true, dryRun: true)
      let (outcomes, gaps) = session.outcomes()
      #expect(gaps.isEmpty)
      #expect(outcomes.allSatisfy { $0.action == .wouldRemove })
      let expected = [
        "sysv-mq:\(low)", "sysv-mq:\(high)", "posix-shm:/Z", "posix-shm:/a", "posix-shm:/b",
        "posix-shm:/\u{E9}", "posix-sem:/x", "posix-sem:/y", "sysv-sem:\(set)",
      ]
      return (outcomes.map(\.object.reference.description), expected)
    }
    #expect(references == expected)
  }

  /// A queue nobody has used is new for 5 s after its creation, by the context's clock.
  @Test func aNewQueueIsKeptUntilTheClockSaysItIsQuiet() throws {
    let (first, second) = try onThread(in: .fresh) { () throws -> (Cleaner.Outcome?, Cleaner.Outcome?) in
      let queue = msgget(IPC_PRIVATE, IPC_CREAT | 0o600)
      defer { msgctl(queue, IPC_RMID, nil) }
      let paths = IPCPaths(shm: "/nonexistent", mqueue: "/nonexistent")
      let created = try #require(Inventory(context: IPCContext(paths: paths)).list([.sysvQueue]).objects.first?.changed)
      func clean(at now: Int) -> Cleaner.Outcome? {
        let session = CleanSession(
          IPCContext(paths: paths, clock: .fixed(now)), selection: Selection(kinds: [.sysvQueue]))
        return session.outcomes().outcomes.first
      }
      return (clean(at: created + ActivityEvidence.quietSeconds - 1), clean(at: created + ActivityEvidence.quietSeconds))
    }
    #expect(first?.action == .kept && first?.reason == .activity(.new(createdAt: first?.object.changed ?? -1)))
    #expect(second?.action == .removed && second?.reason == nil)
  }

  /// A dry run decides as a clean would and removes nothing.
  @Test func aDryRunRemovesNothing() throws {
    let (action, stillThere) = try onThread(in: .fresh) { () throws -> (Cleaner.Action?, Bool) in
      let segment = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0o600)
      defer { shmctl(segment, IPC_RMID, nil) }
      let context = IPCContext(paths: IPCPaths(shm: "/nonexistent", mqueue: "/nonexistent"))
      let session = CleanSession(
        context, selection: Selection(kinds: [.sysvSharedMemory]), force: true, dryRun: true)
      let action = session.outcomes().outcomes.first?.action
      var info = shmid_ds()
      return (action, shmctl(segment, IPC_STAT, &info) == 0)
    }
    #expect(action == .wouldRemove && stillThere)
  }
}
