import Glibc
import TestSupport
import Testing

@testable import IPCKit

/// The snapshot engine on fixture trees and a fixed clock: which objects a selection chooses,
/// in which order they are handed over, and that each run is rendered as it is read.
@Suite struct SnapshotTests {
  /// System V objects from the fixture /proc (no call on the kernel: no values), POSIX ones
  /// from `shm`; a clock an hour ahead, so the files are an hour old and the fixture's System V
  /// objects days old.
  func fixture(_ shm: TemporaryDirectory) throws -> IPCContext {
    try shm.write("app_one", String(repeating: "x", count: 10))
    try shm.write("app_two", String(repeating: "x", count: 5000))
    try shm.write("other", "x")
    try shm.write("sem.app_lock", "")
    let paths = IPCPaths(proc: fixtures + "/proc", shm: shm.path, mqueue: "/nonexistent")
    let caller = Caller(euid: 0, capabilities: 0)
    return IPCContext(paths: paths, caller: caller, clock: .fixed(time(nil) + 3600))
  }

  func references(_ snapshot: Snapshot, _ context: IPCContext) -> [String] {
    var cheap = snapshot
    cheap.withValues = false
    return cheap.read(context) { _ in { $0.map(\.reference.description) } }.parts.flatMap { $0 }
  }

  @Test func selectsByKindPrefixOwnerAndAge() throws {
    let shm = try TemporaryDirectory()
    let context = try fixture(shm)
    var byPrefix = Selection()
    byPrefix.prefix = Array("/app_".utf8)
    byPrefix.narrowKindsToPrefix()
    #expect(references(Snapshot(selection: byPrefix), context)
      == ["posix-shm:/app_one", "posix-shm:/app_two", "posix-sem:/app_lock"])

    var byOwner = Selection(kinds: [.sysvQueue, .sysvSharedMemory, .sysvSemaphore])
    byOwner.owner = 1000
    #expect(references(Snapshot(selection: byOwner), context) == ["sysv-mq:0", "sysv-shm:1"])

    // Keys and references too, though list's command line gives neither (clean's does).
    var byKey = Selection()
    byKey.keys = [874_369_140]
    byKey.references = [.sysvID(.sysvSemaphore, 0), .sysvID(.sysvQueue, 0)]
    #expect(references(Snapshot(selection: byKey), context) == ["sysv-sem:0"])

    // A day by the fixed clock: the System V objects, but not sysv-shm:1, which is attached
    // (its age unknown, so not old); the files are an hour old.
    var byAge = Selection()
    byAge.olderThan = 86400
    #expect(references(Snapshot(selection: byAge), context)
      == ["sysv-mq:0", "sysv-mq:32769", "sysv-shm:0", "sysv-sem:0"])
    byAge.olderThan = 1800
    #expect(references(Snapshot(selection: byAge), context) == [
      "sysv-mq:0", "sysv-mq:32769", "posix-shm:/app_one", "posix-shm:/app_two", "posix-shm:/other",
      "sysv-shm:0", "posix-sem:/app_lock", "sysv-sem:0",
    ])
  }

  /// Runs come in listing order (kind, then name or id), each rendered by what the scope gave,
  /// which is made once for the namespace; what could not be read is a typed gap.
  @Test func handsOverRunsInListingOrder() throws {
    let shm = try TemporaryDirectory()
    let context = try fixture(shm)
    var snapshot = Snapshot(selection: Selection())
    snapshot.withValues = false
    var scopes = 0
    let reading = snapshot.read(context) { scope in
      scopes += 1
      #expect(scope.namespace == nil && !scope.withUsers)
      #expect(scope.context.clock.now == context.clock.now)
      return { run in run.map(\.reference.description) }
    }
    #expect(scopes == 1)
    #expect(reading.parts.count > 1, "handed over in runs, not as one array")
    #expect(reading.parts.flatMap { $0 } == [
      "sysv-mq:0", "sysv-mq:32769", "posix-shm:/app_one", "posix-shm:/app_two", "posix-shm:/other",
      "sysv-shm:0", "sysv-shm:1", "posix-sem:/app_lock", "sysv-sem:0",
    ])
    #expect(reading.gaps == [
      .queueDirectoryUnreadable(path: "/nonexistent", code: .noSuchFileOrDirectory)
    ])
    #expect(reading.deletedMappings.isEmpty)
    #expect((reading.shmSpace?.size ?? 0) > 0)
  }

  /// An order is by the front end's key, ties in listing order, the whole namespace as one run.
  @Test func ordersByAKeyWithTiesInListingOrder() throws {
    let shm = try TemporaryDirectory()
    let context = try fixture(shm)
    var snapshot = Snapshot(selection: Selection(kinds: [.posixSharedMemory, .sysvSharedMemory]))
    snapshot.withValues = false
    snapshot.order = Snapshot.Order(reversed: true) { _ in { $0.details.size ?? 0 } }
    let sizes = snapshot.read(context) { _ in { $0.map(\.reference.description) } }
    #expect(sizes.parts == [[
      "sysv-shm:1", "sysv-shm:0", "posix-shm:/app_two", "posix-shm:/app_one", "posix-shm:/other",
    ]])
    // Equal keys: listing order, then reversed whole.
    snapshot.order = Snapshot.Order { _ in { $0.kind.isNamed ? 1 : 0 } }
    #expect(references(snapshot, context) == [
      "sysv-shm:0", "sysv-shm:1", "posix-shm:/app_one", "posix-shm:/app_two", "posix-shm:/other",
    ])
    snapshot.order = .reversedListing
    #expect(references(snapshot, context) == [
      "sysv-shm:1", "sysv-shm:0", "posix-shm:/other", "posix-shm:/app_two", "posix-shm:/app_one",
    ])
  }
}

/// The snapshot on real objects, in IPC namespaces of the test's own: users, --unused, and
/// every namespace tagged.
@Suite(
  .enabled(if: getuid() == 0, "needs root for a private IPC namespace"),
  .enabled(if: installed("python3") && installed("unshare") && installed("nsenter"),
    "python3, unshare or nsenter is not installed"))
struct SnapshotNamespaceTests {
  /// Python in a namespace of its own: makes a System V queue with `key`, attaches a new
  /// segment, holds `file` open if given, and waits.
  func holder(_ launcher: [String], key: Int32, holding file: String? = nil)
    throws -> RunningProgram
  {
    let arguments = Array(launcher.dropFirst())
    let program = try RunningProgram(launcher[0], arguments + ["python3", "-c", """
      import ctypes, os, sys, time
      libc = ctypes.CDLL(None)
      libc.shmat.restype = ctypes.c_void_p
      libc.msgget(\(key), 0o1600)
      libc.shmat(libc.shmget(0, 4096, 0o1600), None, 0)
      held = os.open(sys.argv[1], os.O_RDONLY) if sys.argv[1] else None
      print("ready", file=sys.stderr, flush=True)
      time.sleep(600)
      """, file ?? ""])
    try #require(waitUntil { program.outputSoFar.contains("ready") }, "\(program.outputSoFar)")
    return program
  }

  /// `python3 ...` in new IPC and mount namespaces with a private tmpfs at /dev/shm, where
  /// `files` are made first: no other process can see them.
  let privateShm = [
    "/usr/bin/unshare", "--ipc", "--mount", "--propagation", "private", "/bin/sh", "-c",
    "mount -t tmpfs -o size=1m snapshot-test /dev/shm && for f in $FILES; do : > /dev/shm/$f; done"
      + " && exec \"$@\"", "sh",
  ]

  @Test func usersAndUnusedComeFromTheProcessScan() throws {
    let python = try holder(
      ["/usr/bin/env", "FILES=held free"] + privateShm, key: 0x5eed, holding: "/dev/shm/held")
    defer { python.stop() }
    let (users, unused, without) = try onThread(in: .of(python.pid)) {
      () -> ([String: [pid_t]?], [String], [String: [pid_t]?]) in
      // Its /dev/shm, verified as --target's is; made once joined, as --target makes it: the
      // context is in the namespace it was made in.
      let context = IPCContext(paths: .target(python.pid), clock: .fixed(time(nil)))
      func read(_ snapshot: Snapshot) -> [String: [pid_t]?] {
        let runs = snapshot.read(context) { scope in
          { $0.map { ($0.reference.description, $0.users?.map(\.pid)) } }
        }
        return Dictionary(runs.parts.joined().map { ($0.0, $0.1) }) { first, _ in first }
      }
      let selection = Selection(kinds: [.posixSharedMemory, .sysvSharedMemory, .sysvQueue])
      let unused = Snapshot(selection: selection, unusedOnly: true).read(context) { _ in
        { $0.map(\.reference.description) }
      }.parts.flatMap { $0 }
      return (read(Snapshot(selection: selection, withUsers: true)), unused, read(Snapshot(selection: selection)))
    }
    #expect(users == [
      "posix-shm:/held": [python.pid], "posix-shm:/free": [], "sysv-shm:0": [python.pid],
      "sysv-mq:0": nil,
    ])
    // Queues have no users the kernel records: --unused keeps them for clean to weigh.
    #expect(unused == ["sysv-mq:0", "posix-shm:/free"])
    #expect(without.values.allSatisfy { $0 == nil }, "no scan without users")
  }

  /// Every namespace read from a thread that joined it, its objects tagged with its inode, its
  /// context made from the one given (caller and clock kept); a /dev/shm two namespaces see is
  /// read in the first only, unless each is to count it.
  @Test func everyNamespaceIsTaggedAndASharedShmReadOnce() throws {
    // Two IPC namespaces that see one private tmpfs at /dev/shm.
    let first = try holder(["/usr/bin/env", "FILES=snap_shared"] + privateShm, key: 0x5eed)
    defer { first.stop() }
    let second = try holder(
      ["/usr/bin/nsenter", "--target", String(first.pid), "--mount", "--", "/usr/bin/unshare", "--ipc"],
      key: 0x5eee)
    defer { second.stop() }
    let inodes = try [first.pid, second.pid].map { pid in
      var status = stat()
      try #require(stat("/proc/\(pid)/ns/ipc", &status) == 0)
      return UInt64(status.st_ino)
    }
    let caller = Caller(euid: 0, capabilities: Caller.current().capabilities)
    let context = IPCContext(paths: IPCPaths(), caller: caller, clock: .fixed(1_000_000))
    var snapshot = Snapshot(selection: Selection())
    snapshot.withValues = false
    let scopes = Scopes()
    for shmOnce in [true, false] {
      let readings = snapshot.readEveryNamespace(context, shmOnce: shmOnce) { scope in
        scopes.append(scope)  // on the thread that joined the namespace
        let tag = scope.namespace
        return { $0.map { "\(tag?.inode ?? 0) \($0.reference) \($0.key ?? 0)" } }
      }
      let ours = readings.filter { inodes.contains($0.namespace.inode) }.sorted { $0.namespace.inode < $1.namespace.inode }
      try #require(ours.count == 2, "\(readings.map(\.namespace.inode))")
      for (index, namespace) in ours.enumerated() {
        let reading = try namespace.reading.get()
        let inode = namespace.namespace.inode
        #expect(reading.scope.namespace == NamespaceTag(inode: inode, container: namespace.namespace.container))
        #expect(namespace.shmSpace?.size == 1 << 20 && namespace.shmGap == nil)
        let key = inode == inodes[0] ? 0x5eed : 0x5eee
        let shared = shmOnce && index > 0 ? [] : ["\(inode) posix-shm:/snap_shared 0"]
        #expect(reading.parts.flatMap { $0 } == ["\(inode) sysv-mq:0 \(key)"] + shared + ["\(inode) sysv-shm:0 0"])
      }
    }
    #expect(scopes.all.allSatisfy { $0.context.clock.now == 1_000_000 })
    #expect(scopes.all.allSatisfy { $0.context.caller == caller })
    let census = NamespaceCensus.read(context).filter { inodes.contains($0.inode) }
    #expect(census.map { $0.counts?[.posixSharedMemory] } == [1, 1])
    #expect(census.map { $0.counts?[.sysvQueue] } == [1, 1])
    #expect(census.allSatisfy { $0.notes.isEmpty && $0.shmSize == 1 << 20 && $0.processes >= 1 })
  }
}

/// The scopes a reading of every namespace gave, one namespace after another.
private final class Scopes: @unchecked Sendable {
  private(set) var all: [Snapshot.Scope] = []
  func append(_ scope: Snapshot.Scope) { all.append(scope) }
}
