import Glibc
import TestSupport
import Testing

@testable import IPCKit

/// Listing against fixture trees: hostile files in the shm directory must not crash or hide
/// the rest.
@Suite struct InventoryFixtureTests {
  @Test func listsShmAndSemaphoreFilesAndSkipsOddEntries() throws {
    let shm = try TemporaryDirectory()
    try shm.write("frames", String(repeating: "x", count: 5000))
    try shm.write("sem.empty", "")  // a zero-length semaphore would SIGBUS a mapping reader
    try shm.write("sem.", "")  // no semaphore name after the prefix: shm_open("/sem.") made it
    shm.makeDirectory("a-directory")
    shm.symlink("link", to: "/etc/passwd")
    #expect(mkfifo(shm.path + "/sem.fifo", 0o644) == 0)  // opening it to read must not block
    #expect(mkfifo(shm.path + "/pipe", 0o644) == 0)
    let inventory = Inventory(context: IPCContext(paths: IPCPaths(proc: fixtures + "/proc", shm: shm.path, mqueue: shm.path + "/frames")))
    let listing = inventory.list([.posixSharedMemory, .posixSemaphore, .posixQueue])
    let refs = listing.objects.map(\.reference.description)
    #expect(refs == ["posix-shm:/frames", "posix-shm:/sem.", "posix-sem:/empty"])
    #expect(listing.objects[0].details.size == 5000)
    guard case .posixSemaphore(let empty) = listing.objects[2].details else {
      Issue.record("not a semaphore")
      return
    }
    #expect(empty.value == nil)
    #expect(listing.gaps.count == 1)  // the queue directory is a file here
  }

  @Test func createsSemaphoresGlibcCanOpen() throws {
    let shm = try TemporaryDirectory()
    let inventory = Inventory(context: IPCContext(paths: IPCPaths(proc: "/proc", shm: shm.path)))
    let name = try IPCName(parsing: "/ready")
    _ = try inventory.create(.posixSemaphore(name, value: 3), permissions: .init(rawValue: 0o640))
    let object = try #require(inventory.list([.posixSemaphore]).objects.first)
    guard case .posixSemaphore(let semaphore) = object.details else {
      Issue.record("not a semaphore")
      return
    }
    #expect(semaphore.value == 3)
    #expect(object.permissions.rawValue == 0o640)
    #expect(throws: IPCError.self) {
      try inventory.create(.posixSemaphore(name, value: 1), permissions: .init(rawValue: 0o600))
    }
  }

  @Test func createsSharedMemoryOfTheRightSize() throws {
    let shm = try TemporaryDirectory()
    let inventory = Inventory(context: IPCContext(paths: IPCPaths(proc: "/proc", shm: shm.path)))
    _ = try inventory.create(.posixSharedMemory(IPCName(parsing: "/seg"), size: 12345), permissions: .init(rawValue: 0o600))
    let object = try #require(inventory.list([.posixSharedMemory]).objects.first)
    #expect(object.details.size == 12345)
    try inventory.remove(object)
    #expect(inventory.list([.posixSharedMemory]).objects.isEmpty)
    #expect(throws: IPCError.self) { try inventory.remove(object) }
  }

  @Test func aMissingShmDirectoryListsNothing() {
    let inventory = Inventory(context: IPCContext(paths: IPCPaths(proc: "/nonexistent", shm: "/nonexistent", mqueue: "/nonexistent")))
    let listing = inventory.list(Set(IPCKind.allCases))
    #expect(listing.objects.isEmpty)
    #expect(Set(listing.gaps.map { "\($0)" }) == [
      "\(ListingGap.queueDirectoryUnreadable(path: "/nonexistent", code: .noSuchFileOrDirectory))",
      "\(ListingGap.shmDirectoryUnreadable(path: "/nonexistent", code: .noSuchFileOrDirectory))",
    ])
  }
}
