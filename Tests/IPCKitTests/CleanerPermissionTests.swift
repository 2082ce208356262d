import Glibc
import Testing

@testable import IPCKit

/// Who may remove an object, as the kernel decides it; no kernel objects needed.
@Suite struct CleanerPermissionTests {
  static let none = Caller(euid: 1002, capabilities: 0)

  static func queue() -> IPCObjectInfo {
    var object = IPCObjectInfo(
      .sysv(id: 1, key: 0), uid: 1000, gid: 1000, permissions: .init(rawValue: 0o600),
      details: .sysvQueue(SysVQueueDetails()))
    object.creator = .init(uid: 1001, gid: 1001)
    return object
  }

  static func segment() throws -> IPCObjectInfo {
    IPCObjectInfo(
      .named(try IPCName(parsing: "/s")), uid: 1000, gid: 1000, permissions: .init(rawValue: 0o666),
      details: .posixSharedMemory(PosixSegmentDetails(size: 1, residentBytes: 0)))
  }

  @Test func ownersAndCreatorsMayRemoveSystemVObjects() {
    #expect(Caller(euid: 1000, capabilities: 0).mayRemove(Self.queue()))
    #expect(Caller(euid: 1001, capabilities: 0).mayRemove(Self.queue()))
    #expect(!Self.none.mayRemove(Self.queue()))
    #expect(Caller(euid: 1002, capabilities: 1 << 21).mayRemove(Self.queue()))  // CAP_SYS_ADMIN
    #expect(!Caller(euid: 0, capabilities: 0).mayRemove(Self.queue()))  // root without capabilities
  }

  @Test func onlyOwnersOrCapFownerMayUnlinkInStickyDirectories() throws {
    #expect(Caller(euid: 1000, capabilities: 0).mayRemove(try Self.segment()))
    #expect(!Self.none.mayRemove(try Self.segment()))  // mode 0666 does not matter: sticky
    #expect(Caller(euid: 1002, capabilities: 1 << 3).mayRemove(try Self.segment()))  // CAP_FOWNER
    #expect(!Caller(euid: 1002, capabilities: 1 << 21).mayRemove(try Self.segment()))
  }

  @Test func thisProcessReadsItsCapabilities() {
    let me = Caller.current()
    #expect(me.euid == geteuid())
    // Root here has CAP_FOWNER and CAP_SYS_ADMIN; another user has neither.
    #expect(me.has(Caller.fileOwner) == (geteuid() == 0))
  }
}
