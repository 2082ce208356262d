import Glibc
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
    try shm.makeDirectory("a-directory")
    try shm.symlink("link", to: "/etc/passwd")
    #expect(mkfifo(shm.path + "/sem.fifo", 0o644) == 0)  // opening it to read must not block
    #expect(mkfifo(shm.path + "/pipe", 0o644) == 0)
    let inventory = Inventory(paths: IPCPaths(proc: fixtures + "/proc", shm: shm.path, mqueue: shm.path + "/frames"))
    let listing = inventory.list([.posixSharedMemory, .posixSemaphore, .posixQueue])
    let refs = listing.objects.map(\.reference.description)
    #expect(refs == ["posix-shm:/frames", "posix-shm:/sem.", "posix-sem:/empty"])
    #expect(listing.objects[0].size == 5000)
    #expect(listing.objects[2].value == nil)
    #expect(listing.notes.count == 1)  // the queue directory is a file here
  }

  @Test func createsSemaphoresGlibcCanOpen() throws {
    let shm = try TemporaryDirectory()
    let inventory = Inventory(paths: IPCPaths(proc: "/proc", shm: shm.path))
    let name = try IPCName("/ready")
    _ = try inventory.create(.posixSemaphore(name, value: 3), permissions: .init(rawValue: 0o640))
    let object = try #require(inventory.list([.posixSemaphore]).objects.first)
    #expect(object.value == 3)
    #expect(object.permissions.rawValue == 0o640)
    #expect(throws: IPCError.self) {
      try inventory.create(.posixSemaphore(name, value: 1), permissions: .init(rawValue: 0o600))
    }
  }

  @Test func createsSharedMemoryOfTheRightSize() throws {
    let shm = try TemporaryDirectory()
    let inventory = Inventory(paths: IPCPaths(proc: "/proc", shm: shm.path))
    _ = try inventory.create(.posixSharedMemory(IPCName("/seg"), size: 12345), permissions: .init(rawValue: 0o600))
    let object = try #require(inventory.list([.posixSharedMemory]).objects.first)
    #expect(object.size == 12345)
    try inventory.remove(object)
    #expect(inventory.list([.posixSharedMemory]).objects.isEmpty)
    #expect(throws: IPCError.self) { try inventory.remove(object) }
  }

  @Test func aMissingShmDirectoryListsNothing() {
    let inventory = Inventory(paths: IPCPaths(proc: "/nonexistent", shm: "/nonexistent", mqueue: "/nonexistent"))
    let listing = inventory.list(Set(IPCKind.allCases))
    #expect(listing.objects.isEmpty)
    #expect(listing.notes.first?.hasPrefix("posix-mq: /nonexistent") == true)
  }
}

/// A directory under /tmp that removes itself.
final class TemporaryDirectory {
  let path: String

  init() throws {
    var template = Array("/tmp/ipctool-test-XXXXXX".utf8CString)
    guard mkdtemp(&template) != nil else { throw SystemError(call: "mkdtemp", code: errno) }
    path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  deinit { removeTree(path) }

  func write(_ relative: String, _ text: String) throws {
    let full = path + "/" + relative
    if let slash = full.lastIndex(of: "/") { mkdirs(String(full[..<slash])) }
    let fd = open(full, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { throw SystemError(call: "open", subject: full, code: errno) }
    defer { close(fd) }
    _ = text.withCString { Glibc.write(fd, $0, strlen($0)) }
  }

  func makeDirectory(_ relative: String) throws { mkdirs(path + "/" + relative) }

  func symlink(_ relative: String, to target: String) throws {
    _ = Glibc.symlink(target, path + "/" + relative)
  }

  private func mkdirs(_ full: String) {
    var current = ""
    for part in full.split(separator: "/") {
      current += "/" + part
      mkdir(current, 0o700)
    }
  }
}

func removeTree(_ path: String) {
  guard let directory = opendir(path) else {
    unlink(path)
    return
  }
  while let entry = readdir(directory) {
    let name = withUnsafeBytes(of: entry.pointee.d_name) {
      String(cString: $0.bindMemory(to: CChar.self).baseAddress!)
    }
    if name == "." || name == ".." { continue }
    let child = path + "/" + name
    if entry.pointee.d_type == DT_DIR { removeTree(child) } else { unlink(child) }
  }
  closedir(directory)
  rmdir(path)
}
