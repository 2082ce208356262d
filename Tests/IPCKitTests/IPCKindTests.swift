import Testing

@testable import IPCKit

@Suite struct IPCKindTests {
  @Test func groupsSelectTheirKinds() {
    #expect(IPCKindGroup.kinds(named: "shm") == [.posixSharedMemory, .sysvSharedMemory])
    #expect(IPCKindGroup.kinds(named: "posix")?.allSatisfy(\.isNamed) == true)
    #expect(IPCKindGroup.kinds(named: "all")?.count == 6)
    #expect(IPCKindGroup.kinds(named: "sysv-mq") == [.sysvQueue])
    #expect(IPCKindGroup.kinds(named: "queues") == nil)
  }

  @Test func sortsQueuesThenMemoryThenSemaphores() {
    #expect(IPCKind.allCases.sorted() == IPCKind.allCases)
    #expect(IPCKind.posixQueue < .sysvQueue && .sysvQueue < .posixSharedMemory)
  }

  /// The kind table's columns, as the code before the table wrote them out one by one.
  @Test func theKindTableSaysWhatEachKindIs() {
    #expect(IPCKind.shmFileKinds == [.posixSharedMemory, .posixSemaphore])
    #expect(IPCKindGroup.posix.kinds == [.posixQueue, .posixSharedMemory, .posixSemaphore])
    #expect(IPCKindGroup.sysv.kinds == [.sysvQueue, .sysvSharedMemory, .sysvSemaphore])
    #expect(IPCKindGroup.mq.kinds == [.posixQueue, .sysvQueue])
    #expect(IPCKindGroup.sem.kinds == [.posixSemaphore, .sysvSemaphore])
    #expect(IPCKind.allCases.filter { !$0.hasKnowableUsers } == [.sysvQueue, .sysvSemaphore])
    #expect(IPCKind.posixSemaphore.shmFilePrefix == "sem.")
    #expect(IPCKind.posixSharedMemory.shmFilePrefix == "")
    #expect(IPCKind.posixQueue.shmFilePrefix == nil)
    #expect(IPCKind.posixSemaphore.maxNameLength == 251)
    #expect(IPCKind.posixSharedMemory.maxNameLength == 255)
    #expect(IPCKind.posixQueue.maxNameLength == 255)
  }

  /// Each kind has exactly one family, POSIX or System V, and the family knows its kind.
  @Test(arguments: IPCKind.allCases) func eachKindHasOneFamily(_ kind: IPCKind) {
    #expect((kind.posixFamily == nil) != (kind.sysvFamily == nil))
    #expect((kind.posixFamily != nil) == kind.isNamed)
    if let family = kind.posixFamily { #expect(family.kind == kind) }
  }
}
