import Glibc
import Testing

@testable import IPCKit

/// Who may remove an object, as the kernel decides it; no kernel objects needed.
@Suite struct CleanerPermissionTests {
  @Test func ownersCreatorsAndRootMayRemove() throws {
    var object = IPCObjectInfo(
      .sysv(id: 1, key: 0), uid: 1000, gid: 1000, permissions: .init(rawValue: 0o600),
      details: .sysvQueue(SysVQueueDetails()))
    object.creator = .init(uid: 1001, gid: 1001)
    let cleaner = Cleaner(inventory: Inventory())
    #expect(cleaner.mayRemove(object, euid: 0))
    #expect(cleaner.mayRemove(object, euid: 1000))
    #expect(cleaner.mayRemove(object, euid: 1001))
    #expect(!cleaner.mayRemove(object, euid: 1002))
    let segment = IPCObjectInfo(
      .named(try IPCName(parsing: "/s")), uid: 1000, gid: 1000, permissions: .init(rawValue: 0o666),
      details: .posixSharedMemory(PosixSegmentDetails(size: 1, residentBytes: 0)))
    #expect(!cleaner.mayRemove(segment, euid: 1001))  // sticky /dev/shm: owners only
  }
}
