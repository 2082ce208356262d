import Testing

@testable import IPCKit

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
