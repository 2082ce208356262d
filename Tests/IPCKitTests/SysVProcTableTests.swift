import Glibc
import TestSupport
import Testing

@testable import IPCKit

@Suite struct SysVProcTableTests {
  let paths = IPCPaths(proc: fixtures + "/proc", shm: "/nonexistent", mqueue: "/nonexistent")

  @Test func readsQueues() throws {
    let queues = SysVMessageQueue.list(paths: paths)
    try #require(queues.count == 2)
    let first = queues[0]
    guard case .sysvQueue(let queue) = first.details else { Issue.record("not a queue"); return }
    #expect(first.id == 0 && first.key == -79_446_365)
    #expect(queue.messages == 3 && queue.bytes == 24)
    #expect(first.uid == 1000 && first.gid == 100)
    #expect(first.permissions.octal == "0644")
    #expect(queue.lastSendPID == 812 && queue.lastReceivePID == 813)
    #expect(first.changed == 1_795_884_335)
    #expect(queues[1].reference.description == "sysv-mq:32769")
  }

  @Test func readsSegmentsWithHugeSizesAndFlags() throws {
    let objects = SysVSharedMemory.list(paths: paths)
    try #require(objects.count == 2)
    let segments = objects.compactMap(\.details.sysvSegment)
    try #require(segments.count == 2)
    #expect(segments[0].size == 65536 && segments[0].markedForRemoval == false)
    let removed = segments[1]
    #expect(removed.size == 18_446_744_073_709_547_520)
    #expect(removed.markedForRemoval == true)
    #expect(removed.attached == 2)
    #expect(objects[1].permissions.octal == "0600")
    #expect(removed.residentBytes == 4096)
  }

  @Test func readsSemaphoreSets() throws {
    let sets = SysVSemaphoreSet.list(paths: paths)
    try #require(sets.count == 1)
    guard case .sysvSemaphore(let set) = sets[0].details else { Issue.record("not a set"); return }
    #expect(set.count == 4)
    #expect(set.lastOperation == nil)  // 0 means never
  }

  @Test func findsColumnsByName() {
    let table = SysVProcTable(text: "  nsems key semid perms uid gid\n 3 5 7 600 0 0\n")
    #expect(table.rows.count == 1)
    #expect(table.rows[0].number("semid", as: Int.self) == 7)
    #expect(table.rows[0].number("nsems", as: Int.self) == 3)
  }

  @Test func survivesGarbage() {
    #expect(SysVProcTable(text: "").rows.isEmpty)
    #expect(SysVProcTable(text: "key msqid\nshort\n\u{0}\u{1}").rows.isEmpty)
  }
}
