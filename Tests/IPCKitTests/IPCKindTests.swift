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
}
