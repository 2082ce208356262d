import Glibc
import Testing

@testable import IPCKit

/// Who may remove an object, as the kernel decides it; no kernel objects needed.
@Suite struct CleanerPermissionTests {
  @Test func ownersCreatorsAndRootMayRemove() {
    var object = IPCObjectInfo(kind: .sysvQueue, uid: 1000, gid: 1000, permissions: .init(rawValue: 0o600))
    object.creatorUID = 1001
    let cleaner = Cleaner(inventory: Inventory())
    #expect(cleaner.mayRemove(object, euid: 0))
    #expect(cleaner.mayRemove(object, euid: 1000))
    #expect(cleaner.mayRemove(object, euid: 1001))
    #expect(!cleaner.mayRemove(object, euid: 1002))
    object.kind = .posixSharedMemory
    #expect(!cleaner.mayRemove(object, euid: 1001))  // sticky /dev/shm: owners only
  }
}
