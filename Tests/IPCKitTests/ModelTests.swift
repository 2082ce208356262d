import Testing

@testable import IPCKit

@Suite struct IPCNameTests {
  @Test func acceptsSlashThenName() throws {
    let name = try IPCName("/jobs")
    #expect(name.text == "/jobs")
    #expect(name.fileName == "jobs")
  }

  @Test(arguments: [
    ("jobs", IPCNameError.missingSlash("jobs")),
    ("/a/b", .innerSlash("/a/b")),
    ("/", .empty),
    ("/..", .dotName("/..")),
    ("/a\u{0}b", .nul),
  ])
  func rejects(_ text: String, _ expected: IPCNameError) {
    #expect(throws: expected) { try IPCName(text) }
  }

  @Test func limitsLengthToAFileName() throws {
    _ = try IPCName("/" + String(repeating: "x", count: 255))
    #expect(throws: IPCNameError.self) { try IPCName("/" + String(repeating: "x", count: 256)) }
    // glibc adds "sem." in front of a semaphore's name.
    let kind = IPCKind.posixSemaphore
    #expect(throws: IPCNameError.self) {
      try IPCName("/" + String(repeating: "x", count: 252), maxLength: kind.maxNameLength)
    }
  }

  @Test func errorsShowControlCharactersEscaped() {
    let error = IPCNameError.missingSlash("a\nb")
    #expect(error.description == "invalid name 'a\\x0ab': a POSIX name starts with '/'")
  }
}

@Suite struct IPCReferenceTests {
  @Test func parsesEveryForm() throws {
    #expect(try IPCReference(parsing: "/lock") == .named(IPCName("/lock"), kind: nil))
    #expect(
      try IPCReference(parsing: "posix-sem:/lock") == .named(IPCName("/lock"), kind: .posixSemaphore))
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

@Suite struct IPCPermissionsTests {
  @Test func showsAsLsDoes() {
    #expect(IPCPermissions(rawValue: 0o640).description == "rw-r-----")
    #expect(IPCPermissions(rawValue: 0o1777).description == "rwxrwxrwx")
    #expect(IPCPermissions(rawValue: 0o600).octal == "0600")
    #expect(IPCPermissions(rawValue: 0o7).octal == "0007")
  }

  @Test func parsesOctal() {
    #expect(IPCPermissions(octal: "0640")?.rawValue == 0o640)
    #expect(IPCPermissions(octal: "600")?.rawValue == 0o600)
    #expect(IPCPermissions(octal: "0800") == nil)
    #expect(IPCPermissions(octal: "1777") == nil)
    #expect(IPCPermissions(octal: "") == nil)
  }
}

@Suite struct ByteSizeTests {
  @Test func parsesSuffixes() {
    #expect(ByteSize.parse("4096") == 4096)
    #expect(ByteSize.parse("4K") == 4096)
    #expect(ByteSize.parse("4k") == 4096)
    #expect(ByteSize.parse("1M") == 1 << 20)
    #expect(ByteSize.parse("2GiB") == 2 << 30)
    #expect(ByteSize.parse("1KB") == 1024)
  }

  @Test(arguments: ["", "K", "-1", "1.5M", "4X", "99999999999999999999", "16E", "１K"])
  func rejects(_ text: String) {
    #expect(ByteSize.parse(text) == nil)
  }

  @Test func printsHumanSizes() {
    #expect(ByteSize.human(512) == "512")
    #expect(ByteSize.human(4096) == "4.0K")
    #expect(ByteSize.human(1_572_864) == "1.5M")
    #expect(ByteSize.human(UInt64.max) == "16E")
    #expect(ByteSize.human(10 << 20) == "10M")
  }
}

@Suite struct ReadPermissionTests {
  @Test func followsOwnerGroupOtherAsTheKernelDoes() {
    var object = IPCObjectInfo(kind: .posixSharedMemory, uid: 1000, gid: 100, permissions: .init(rawValue: 0o640))
    #expect(object.isReadable(byUser: 0, groups: [0]))
    #expect(object.isReadable(byUser: 1000, groups: [1000]))
    #expect(object.isReadable(byUser: 1001, groups: [100]))
    #expect(!object.isReadable(byUser: 1001, groups: [1001]))
    object.permissions = .init(rawValue: 0o044)
    #expect(!object.isReadable(byUser: 1000, groups: [100]))  // the owner's bits decide for the owner
    object.kind = .sysvQueue
    object.permissions = .init(rawValue: 0o600)
    object.creatorUID = 1002
    #expect(object.isReadable(byUser: 1002, groups: []))  // System V creators count as owners
  }
}
