import Testing

@testable import IPCKit

@Suite struct IPCReferenceTests {
  @Test func parsesEveryForm() throws {
    #expect(try IPCReference(parsing: "/lock") == .named(IPCName(parsing: "/lock"), kind: nil))
    #expect(
      try IPCReference(parsing: "posix-sem:/lock") == .named(IPCName(parsing: "/lock"), kind: .posixSemaphore))
    #expect(try IPCReference(parsing: "sysv-shm:32769") == .sysvID(.sysvSharedMemory, 32769))
    #expect(try IPCReference(parsing: "sysv-mq:0x0001e240") == .sysvKey(.sysvQueue, 123456))
    #expect(try IPCReference(parsing: "sysv-sem:0xffffffff") == .sysvKey(.sysvSemaphore, -1))
  }

  @Test func printsWhatItParses() throws {
    for word in ["/x", "posix-mq:/q", "sysv-sem:7", "sysv-mq:0x0001e240"] {
      #expect(try IPCReference(parsing: word).description == word)
    }
  }

  @Test(arguments: [
    "lock", "posix-shm:lock", "nope:/x", "sysv-shm:0x", "sysv-shm:0x0", "sysv-shm:-1",
    "sysv-shm:12a", "sysv-mq:0x123456789", "",
  ])
  func rejects(_ word: String) {
    #expect(throws: IPCReferenceError.self) { try IPCReference(parsing: word) }
  }

  @Test func keyZeroIsRefusedWithAReason() {
    #expect(throws: IPCReferenceError.privateKey("sysv-shm:0x0")) {
      try IPCReference(parsing: "sysv-shm:0x0")
    }
  }
}
