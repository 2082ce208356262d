import Testing

@testable import IPCKit

@Suite struct ReadPermissionTests {
  @Test func followsOwnerGroupOtherAsTheKernelDoes() throws {
    var object = IPCObjectInfo(
      .named(try IPCName(parsing: "/s")), uid: 1000, gid: 100, permissions: .init(rawValue: 0o640),
      details: .posixSharedMemory(PosixSegmentDetails(size: 1, residentBytes: 0)))
    #expect(object.isReadable(byUser: 0, groups: [0]))
    #expect(object.isReadable(byUser: 1000, groups: [1000]))
    #expect(object.isReadable(byUser: 1001, groups: [100]))
    #expect(!object.isReadable(byUser: 1001, groups: [1001]))
    object.permissions = .init(rawValue: 0o044)
    #expect(!object.isReadable(byUser: 1000, groups: [100]))  // the owner's bits decide for the owner
    object = IPCObjectInfo(
      .sysv(id: 1, key: 0), uid: 1000, gid: 100, permissions: .init(rawValue: 0o600),
      details: .sysvQueue(SysVQueueDetails()))
    object.creator = .init(uid: 1002, gid: 1002)
    #expect(object.isReadable(byUser: 1002, groups: []))  // System V creators count as owners
  }
}
