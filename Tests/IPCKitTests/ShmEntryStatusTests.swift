import Glibc
import Testing
import TestSupport

@testable import IPCKit

/// The one statx a listing makes per /dev/shm name (`ShmHandle.objectStatus`), and the open a
/// semaphore's value is read through: on a fixture folder holding every kind of thing that is no
/// object, with a regular file of the same folder behind each link (so that following one would
/// find an object, and the test would see it).
@Suite struct ShmEntryStatusTests {
  /// A folder with a regular file, a semaphore whose value is 42, links to both, a FIFO and a
  /// folder, under the names a listing would read.
  func fixture() throws -> (TemporaryDirectory, ShmHandle) {
    let folder = try TemporaryDirectory()
    try folder.write("plain", "segment")
    let fd = open(folder.file("sem.real"), O_WRONLY | O_CREAT | O_EXCL, 0o600)
    try #require(fd >= 0)
    _ = ([42, 0, 0, 0] + [UInt8](repeating: 0, count: 28)).withUnsafeBytes {
      write(fd, $0.baseAddress, 32)
    }
    close(fd)
    folder.symlink("link", to: "plain")
    folder.symlink("sem.link", to: "sem.real")
    folder.symlink("sem.absolute", to: folder.file("sem.real"))
    try #require(mkfifo(folder.file("fifo"), 0o600) == 0)
    try #require(mkfifo(folder.file("sem.fifo"), 0o600) == 0)
    folder.makeDirectory("folder")
    folder.makeDirectory("sem.folder")
    let handle = try ShmHandle.plain(folder.path).get()
    return (folder, handle)
  }

  /// A regular file is an object; a link (to an object of the same folder), a FIFO and a folder
  /// are not, and the link is never followed.
  @Test func onlyARegularFileIsAnObject() throws {
    let (folder, handle) = try fixture()
    defer { withExtendedLifetime(folder) {} }
    #expect(handle.objectStatus("plain")?.st_size == 7)
    for name in ["link", "sem.link", "sem.absolute", "fifo", "sem.fifo", "folder", "sem.folder"] {
      #expect(handle.objectStatus(name) == nil, "\(name)")
    }
  }

  /// A name is one component: a path, "." or ".." is refused before the kernel is asked.
  @Test func aNameThatIsNoSingleComponentIsRefused() throws {
    let (folder, handle) = try fixture()
    try folder.write("inner/deep", "x")
    for name in ["inner/deep", ".", "..", "", "../\(folder.path.split(separator: "/").last!)/plain"] {
      guard case .failure(let code) = FileStatus.entry(handle.descriptor, name) else {
        Issue.record("\(name) was stat'ed")
        continue
      }
      #expect(code == .invalidArgument, "\(name)")
    }
  }

  /// A semaphore's value is read from the file stat'ed: 42 from the real one, and nothing from
  /// a link to it, a FIFO (never blocks) or a folder, which are no semaphores at all.
  @Test func aSemaphoreIsReadOnlyThroughARegularFile() throws {
    let (folder, handle) = try fixture()
    defer { withExtendedLifetime(folder) {} }
    let real = ShmDirectory.object(
      fileName: "sem.real", isSemaphore: true, in: handle, withValue: true)
    guard case .posixSemaphore(let details)? = real?.details else {
      Issue.record("sem.real is no semaphore: \(String(describing: real))")
      return
    }
    #expect(details.value == 42)
    for name in ["sem.link", "sem.absolute", "sem.fifo", "sem.folder"] {
      for withValue in [true, false] {
        let found = ShmDirectory.object(
          fileName: name, isSemaphore: true, in: handle, withValue: withValue)
        #expect(found == nil, "\(name) withValue \(withValue): \(String(describing: found))")
      }
    }
  }

  /// The listing of the whole folder: the file and the semaphore, nothing else.
  @Test func aListingShowsOnlyTheObjects() throws {
    let (folder, handle) = try fixture()
    defer { withExtendedLifetime(folder) {} }
    let directory = try ShmDirectory(handle: handle)
    let (segments, semaphores) = directory.mapChunks(
      [.posixSharedMemory, .posixSemaphore], withValues: true
    ) { $0.map(\.reference.description) }
    #expect(segments.joined().elementsEqual(["posix-shm:/plain"]))
    #expect(semaphores.joined().elementsEqual(["posix-sem:/real"]))
  }

  /// Inspecting a semaphore whose file is a FIFO finds no object and never opens the FIFO (an
  /// open for reading would release a writer waiting in its own open): inotify sees no open.
  @Test func inspectingAFifoNeverOpensIt() throws {
    let (folder, _) = try fixture()
    defer { withExtendedLifetime(folder) {} }
    let notify = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
    try #require(notify >= 0)
    defer { close(notify) }
    try #require(inotify_add_watch(notify, folder.file("sem.fifo"), UInt32(IN_OPEN)) >= 0)
    let inventory = Inventory(context: IPCContext(paths: IPCPaths(proc: "/proc", shm: folder.path)))
    let reference = IPCReference.named(try IPCName(parsing: "/fifo"), kind: .posixSemaphore)
    #expect(throws: IPCError.self) { try inventory.find(reference, for: "inspect") }
    var buffer = [UInt8](repeating: 0, count: 4096)
    let read = buffer.withUnsafeMutableBytes { Glibc.read(notify, $0.baseAddress, $0.count) }
    #expect(read == -1 && errno == EAGAIN, "the FIFO was opened: \(read) bytes of events")
  }
}
