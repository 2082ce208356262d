import CIPCShims
import Foundation
import TestSupport
import Testing

@testable import IPCKit

/// A namespace's root can make the next object take a freed id (kernel.msg_next_id,
/// shm_next_id, sem_next_id). clean reads a record slot by slot, then may wait for the /proc
/// scan before IPC_RMID: an object put in the same id meanwhile, with the same key, must be
/// left alone (#22 item 8).
@Suite(.enabled(if: getuid() == 0, "needs root for a private IPC namespace"))
struct SysVIdReuseTests {
  /// Sets `kernel.NAME_next_id` of the calling thread's IPC namespace.
  static func nextID(_ name: String, _ id: Int32) throws {
    let path = "/proc/sys/kernel/\(name)_next_id"
    let fd = open(path, O_WRONLY)
    try #require(fd >= 0, "open \(path): errno \(errno)")
    defer { close(fd) }
    let text = "\(id)\n"
    try #require(text.withCString { write(fd, $0, strlen($0)) } == text.utf8.count)
  }

  /// Between the read and the removal, the object goes and another takes its id and key:
  /// `replace` makes it (differing in owner, size or number of semaphores) and returns its id.
  func replacedInTheWindow(
    _ kind: IPCKind, make: () -> Int32, replace: (Int32) throws -> Int32, remove: (Int32) -> Void
  ) throws -> (outcomes: [Cleaner.Outcome], replacementKept: Bool, sameID: Bool) {
    let inventory = Inventory(context: IPCContext(paths: IPCPaths(shm: "/nonexistent", mqueue: "/nonexistent")))
    let cleaner = Cleaner(inventory: inventory)
    let first = make()
    try #require(first >= 0)
    var replacement: Int32 = -1
    let outcomes = try #require(
      inventory.mapSysVSlots(kind) { object -> Cleaner.Outcome in
        // Planned from the record read now, as clean does...
        let outcome = cleaner.plan(object, users: nil, force: true)
        // ...and while it scans /proc, the id changes hands.
        remove(object.id!)
        replacement = (try? replace(object.id!)) ?? -1
        return cleaner.carriedOut(outcome, readJustNow: true)
      })
    defer { if replacement >= 0 { remove(replacement) } }
    return (outcomes, replacement >= 0 && (try? kind.sysvFamily!.status(replacement)) != nil, replacement == first)
  }

  @Test func aQueueGivenAnotherOwnerUnderTheSameIdAndKeyIsKept() throws {
    let result = try onThread(in: .fresh) {
      try replacedInTheWindow(
        .sysvQueue, make: { msgget(0x5151, IPC_CREAT | 0o600) },
        replace: { id in
          try Self.nextID("msg", id)
          let queue = msgget(0x5151, IPC_CREAT | IPC_EXCL | 0o600)
          var info = msqid_ds()
          msgctl(queue, IPC_STAT, &info)
          info.msg_perm.uid = 4242  // another user's
          msgctl(queue, IPC_SET, &info)
          return queue
        }, remove: { msgctl($0, IPC_RMID, nil) })
    }
    #expect(result.sameID, "the kernel did not reuse the id")
    #expect(result.outcomes.map(\.action) == [.gone], "\(result.outcomes)")
    #expect(result.replacementKept)
  }

  @Test func aSegmentOfAnotherSizeUnderTheSameIdAndKeyIsKept() throws {
    let result = try onThread(in: .fresh) {
      try replacedInTheWindow(
        .sysvSharedMemory, make: { shmget(0x5152, 4096, IPC_CREAT | 0o600) },
        replace: { id in
          try Self.nextID("shm", id)
          return shmget(0x5152, 8192, IPC_CREAT | IPC_EXCL | 0o600)
        }, remove: { shmctl($0, IPC_RMID, nil) })
    }
    #expect(result.sameID, "the kernel did not reuse the id")
    #expect(result.outcomes.map(\.action) == [.gone], "\(result.outcomes)")
    #expect(result.replacementKept)
  }

  @Test func aSetOfAnotherCountUnderTheSameIdAndKeyIsKept() throws {
    let result = try onThread(in: .fresh) {
      try replacedInTheWindow(
        .sysvSemaphore, make: { semget(0x5153, 1, IPC_CREAT | 0o600) },
        replace: { id in
          try Self.nextID("sem", id)
          return semget(0x5153, 2, IPC_CREAT | IPC_EXCL | 0o600)
        }, remove: { _ = ipcshim_semctl_command($0, 0, IPC_RMID) })
    }
    #expect(result.sameID, "the kernel did not reuse the id")
    #expect(result.outcomes.map(\.action) == [.gone], "\(result.outcomes)")
    #expect(result.replacementKept)
  }
}
