import Foundation
import TestSupport
import Testing

/// `ipctool memory` finds every byte a program makes in each place shared memory lives, counts
/// what two processes share once, and names the holders (issue #27's proof).
@Suite(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"))
struct MemoryAccountTests {
  static let mb = 1 << 20

  /// What the test's program made, as it reports it.
  struct Made: Decodable {
    var parent: Int
    var child: Int
    var segment: Int
    var removed: Int
  }

  @Test func everyPlaceIsCountedOnceWithItsHolders() throws {
    let box = try Sandbox()
    let second = try TemporaryDirectory(shared: true)
    let mounted = try box.runInside([
      "/bin/mount", "-t", "tmpfs", "-o", "size=16m", "ipctool-second", second.path,
    ])
    try #require(mounted.status == 0, "\(mounted)")
    let before = try Self.account(box)

    let file = box.name("file")
    let gone = box.name("gone")
    let memfd = String(box.name("memfd").dropFirst())
    let program = try RunningProgram(
      "/usr/bin/nsenter",
      [
        "--target", String(box.pid), "--ipc", "--mount", "--", "python3", "-c",
        """
        import ctypes, json, mmap, os, sys, time
        MB = 1 << 20
        libc = ctypes.CDLL(None, use_errno=True)
        libc.shmat.restype = ctypes.c_void_p
        libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
        def written(path, size):
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
            os.posix_fallocate(fd, 0, size)
            return fd
        os.close(written('/dev/shm\(file)', 10 * MB))
        fd = written('/dev/shm\(gone)', 5 * MB)
        gone = mmap.mmap(fd, 5 * MB)
        os.close(fd)
        os.unlink('/dev/shm\(gone)')
        os.close(written('\(second.path)/kept', 2 * MB))
        def segment(size):
            id = libc.shmget(0, size, 0o1600)
            address = libc.shmat(id, None, 0)
            ctypes.memset(address, 1, size)
            return id
        kept = segment(7 * MB)
        removed = segment(3 * MB)
        libc.shmctl(removed, 0, None)  # IPC_RMID while attached
        memfd = os.memfd_create('\(memfd)', 0)
        os.posix_fallocate(memfd, 0, 3 * MB)
        anon = mmap.mmap(-1, 4 * MB, flags=mmap.MAP_SHARED | mmap.MAP_ANONYMOUS)
        anon.write(b'y' * (4 * MB))
        child = os.fork()
        if child == 0:
            time.sleep(600)
            os._exit(0)
        print(json.dumps({'parent': os.getpid(), 'child': child, 'segment': kept, 'removed': removed}),
              file=sys.stderr, flush=True)
        try:
            time.sleep(600)
        finally:
            os.kill(child, 9)
        """,
      ])
    defer { program.stop() }
    try #require(waitUntil { program.outputSoFar.contains("parent") }, "\(program.outputSoFar)")
    let made = try JSONDecoder().decode(Made.self, from: Data(program.outputSoFar.utf8))
    defer { kill(pid_t(made.child), SIGKILL) }
    let ours: Set<Int> = [made.parent, made.child]
    let after = try Self.account(box)
    let rows = try #require(after["rows"] as? [[String: Any]])

    // /dev/shm: the 10 MB object and the 5 MB file unlinked while mapped, held by both.
    let shm = try #require(
      rows.first {
        $0["kind"] as? String == "tmpfs" && $0["mount"] as? String == "/dev/shm"
          && $0["seen_through"] is NSNull
      })
    Self.expect(shm["used"], 15 * Self.mb, "\(shm)")
    Self.expect(shm["posix_bytes"], 10 * Self.mb, "\(shm)")
    #expect(shm["posix_objects"] as? Int == 1, "\(shm)")
    let unlinked = try #require((shm["unlinked"] as? [[String: Any]])?.first, "\(shm)")
    Self.expect(unlinked["bytes"], 5 * Self.mb, "\(unlinked)")
    #expect(unlinked["name"] as? String == "/dev/shm" + gone, "\(unlinked)")
    #expect(Self.pids(unlinked) == ours, "\(unlinked)")

    // The second tmpfs.
    let other = try #require(
      rows.first { $0["kind"] as? String == "tmpfs" && $0["mount"] as? String == second.path },
      "\(rows)")
    Self.expect(other["used"], 2 * Self.mb, "\(other)")

    // System V: the touched segment and the one marked for removal, attached by both.
    let segments = rows.filter { $0["kind"] as? String == "sysv-shm" }
    let kept = try #require(segments.first { $0["id"] as? Int == made.segment }, "\(segments)")
    Self.expect(kept["resident"], 7 * Self.mb, "\(kept)")
    #expect(kept["marked_for_removal"] as? Bool == false && Self.pids(kept) == ours, "\(kept)")
    let removed = try #require(segments.first { $0["id"] as? Int == made.removed }, "\(segments)")
    Self.expect(removed["resident"], 3 * Self.mb, "\(removed)")
    #expect(
      removed["marked_for_removal"] as? Bool == true && Self.pids(removed) == ours, "\(removed)")

    // The memfd and the shared anonymous region: one row each, although two processes hold them.
    let memfds = rows.filter { $0["kind"] as? String == "memfd" && $0["name"] as? String == memfd }
    #expect(memfds.count == 1, "\(memfds)")
    if let row = memfds.first {
      Self.expect(row["bytes"], 3 * Self.mb, "\(row)")
      #expect(Self.pids(row) == ours, "\(row)")
    }
    let anonymous = rows.filter { $0["kind"] as? String == "shared-anon" && Self.pids($0) == ours }
    #expect(anonymous.count == 1, "\(rows.filter { $0["kind"] as? String == "shared-anon" })")
    if let row = anonymous.first { Self.expect(row["bytes"], 4 * Self.mb, "\(row)") }

    // By process: each of the two holds all of it, and its exit alone would free none of it.
    let byProcess = try box.run(["memory", "--by", "process", "--json"])
    let document =
      try JSONSerialization.jsonObject(with: Data(byProcess.stdout.utf8)) as? [String: Any]
    let parent = try #require(
      (document?["processes"] as? [[String: Any]])?.first { $0["pid"] as? Int == made.parent },
      "\(byProcess)")
    Self.expect(parent["memfd"], 3 * Self.mb, "\(parent)")
    Self.expect(parent["shared_anon"], 4 * Self.mb, "\(parent)")
    Self.expect(parent["unlinked"], 5 * Self.mb, "\(parent)")
    Self.expect(parent["sysv_shm"], 10 * Self.mb, "\(parent)")
    #expect(parent["alone"] as? Int == 0, "\(parent)")
    let byPid = try box.run(["memory", "--by", "process", "--sort", "pid", "--json"])
    let pids =
      ((try JSONSerialization.jsonObject(with: Data(byPid.stdout.utf8)) as? [String: Any])?[
        "processes"]
      as? [[String: Any]] ?? []).compactMap { $0["pid"] as? Int }
    #expect(pids.contains(made.parent) && pids == pids.sorted(), "\(byPid)")

    // The rows that can move only by what the test did moved by what it made.
    let made34 = (10 + 5 + 2 + 7 + 3 + 3 + 4) * Self.mb
    let moved = Self.namespaceSum(after, holders: ours) - Self.namespaceSum(before, holders: ours)
    #expect(abs(moved - made34) <= made34 / 100 + 7 * 4096, "moved \(moved), made \(made34)")
  }

  /// On this machine: the rows and the unexplained row add up to meminfo's Shmem, printed.
  @Test func theRowsAddUpToShmem() throws {
    let run = try runProgram(toolPath, ["memory", "--json"])
    try #require(run.status == 0, "\(run)")
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    let shmem = try #require(document["shmem"] as? Int)
    let explained = try #require(document["explained"] as? Int)
    let unexplained = try #require(document["unexplained"] as? Int)
    let rows = try #require(document["rows"] as? [[String: Any]])
    var sum = 0
    for row in rows {
      let bytes = (row["used"] ?? row["resident"] ?? row["bytes"]) as? Int ?? 0
      sum += bytes
      let what = [row["kind"], row["mount"] ?? row["ref"] ?? row["name"]].compactMap {
        $0 as? String
      }.joined(separator: " ")
      print("memory: \(what): \(bytes)")
    }
    print("memory: rows \(sum) + unexplained \(unexplained) = Shmem \(shmem)")
    #expect(sum == explained && sum + unexplained == shmem, "\(run)")
    // Shmem is the machine's now, as /proc/meminfo says it (others' tests move it a little).
    let line = try String(contentsOfFile: "/proc/meminfo", encoding: .utf8).split(separator: "\n")
      .first { $0.hasPrefix("Shmem:") }
    let kilobytes = try #require(line.flatMap { Int($0.split(separator: " ")[1]) })
    #expect(abs(kilobytes * 1024 - shmem) < 256 * Self.mb, "\(kilobytes) kB, \(shmem)")
    // Processes that could not be read are named, never taken for none (pid 1 here).
    let unreadable = try #require(document["unreadable_processes"] as? [[String: Any]])
    if !FileManager.default.isReadableFile(atPath: "/proc/1/maps")
      || (try? String(contentsOfFile: "/proc/1/maps", encoding: .utf8)) == nil
    {
      #expect(unreadable.contains { $0["pid"] as? Int == 1 }, "\(unreadable)")
      #expect(run.stderr.contains("could not be read (1 ("), "\(run)")
    }
  }

  /// A memfd's name is whatever its maker chose: shown escaped, byte for byte, in the table
  /// and in JSON; its holder alone would free it; clean never touches it.
  @Test func aHostileMemfdNameIsEscaped() throws {
    let box = try Sandbox()
    let program = try RunningProgram(
      "/usr/bin/nsenter",
      [
        "--target", String(box.pid), "--ipc", "--mount", "--", "python3", "-c",
        """
        import os, sys, time
        fd = os.memfd_create(b'ipctool-\\x1b[31mred\\xff', 0)
        os.posix_fallocate(fd, 0, 1 << 20)
        print('ready', file=sys.stderr, flush=True)
        time.sleep(600)
        """,
      ])
    defer { program.stop() }
    try #require(waitUntil { program.outputSoFar.contains("ready") }, "\(program.outputSoFar)")
    let table = try box.run(["memory"])
    #expect(table.lines.contains { $0.hasPrefix("memfd:ipctool-\\e[31mred\\xff ") }, "\(table)")
    #expect(!table.stdout.contains("\u{1b}"), "\(table)")
    let rows = try Self.account(box)["rows"] as? [[String: Any]] ?? []
    let row = try #require(
      rows.first { $0["kind"] as? String == "memfd" && Self.pids($0) == [Int(program.pid)] },
      "\(rows)")
    #expect(row["name"] as? String == "ipctool-\\e[31mred\\xff", "\(row)")
    Self.expect(row["bytes"], 1 << 20, "\(row)")
    let byProcess = try box.run(["memory", "--by", "process", "--json"])
    let document =
      try JSONSerialization.jsonObject(with: Data(byProcess.stdout.utf8)) as? [String: Any]
    let holder = try #require(
      (document?["processes"] as? [[String: Any]])?.first { $0["pid"] as? Int == Int(program.pid) },
      "\(byProcess)")
    Self.expect(holder["alone"], 1 << 20, "\(holder)")

    // clean knows nothing of it: it has no name to remove, and is freed only with its holder.
    let clean = try box.run(["clean", "--all", "--force"])
    #expect(clean.status == 0, "\(clean)")
    let after = try Self.account(box)["rows"] as? [[String: Any]] ?? []
    #expect(
      after.contains {
        $0["kind"] as? String == "memfd" && $0["name"] as? String == "ipctool-\\e[31mred\\xff"
      }, "\(after)")
  }

  /// A process that attached a segment twice is counted twice by the kernel: its holder is
  /// still named, even where some process (pid 1 here) cannot be read.
  @Test func aSegmentAttachedTwiceNamesItsHolder() throws {
    let box = try Sandbox()
    let id = box.plainSysVSegment(size: 1 << 20)
    let program = try RunningProgram(
      "/usr/bin/nsenter",
      [
        "--target", String(box.pid), "--ipc", "--mount", "--", "python3", "-c",
        """
        import ctypes, sys, time
        libc = ctypes.CDLL(None)
        libc.shmat.restype = ctypes.c_void_p
        libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
        first, second = libc.shmat(\(id), None, 0), libc.shmat(\(id), None, 0)
        ctypes.memset(first, 1, 1 << 20)
        print('ready', file=sys.stderr, flush=True)
        time.sleep(600)
        """,
      ])
    defer { program.stop() }
    try #require(waitUntil { program.outputSoFar.contains("ready") }, "\(program.outputSoFar)")
    let rows = try Self.account(box)["rows"] as? [[String: Any]] ?? []
    let row = try #require(
      rows.first { $0["kind"] as? String == "sysv-shm" && $0["id"] as? Int == Int(id) }, "\(rows)")
    #expect(row["attached"] as? Int == 2, "\(row)")
    #expect(Self.pids(row) == [Int(program.pid)], "\(row)")
    Self.expect(row["resident"], 1 << 20, "\(row)")
  }

  /// As another user, root's processes cannot be read: they are named as unreadable, and what
  /// they hold is not reported as nothing held (their memfd is simply not a row, and the
  /// difference stays in "unexplained").
  @Test(.otherUsersCanRunTheTool) func unreadableProcessesAreNamedNotTakenForNone() throws {
    let box = try Sandbox()
    let program = try RunningProgram(
      "/usr/bin/nsenter",
      [
        "--target", String(box.pid), "--ipc", "--mount", "--", "python3", "-c",
        """
        import os, sys, time
        fd = os.memfd_create('ipctool-roots', 0)
        os.posix_fallocate(fd, 0, 1 << 20)
        print('ready', file=sys.stderr, flush=True)
        time.sleep(600)
        """,
      ])
    defer { program.stop() }
    try #require(waitUntil { program.outputSoFar.contains("ready") }, "\(program.outputSoFar)")
    let run = try box.run(["memory", "--json"], as: 65534)
    try #require(run.status == 0, "\(run)")
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    let unreadable = document["unreadable_processes"] as? [[String: Any]] ?? []
    #expect(unreadable.contains { $0["pid"] as? Int == Int(program.pid) }, "\(run)")
    let rows = document["rows"] as? [[String: Any]] ?? []
    #expect(!rows.contains { $0["name"] as? String == "ipctool-roots" }, "\(rows)")
    #expect(
      run.stderr.contains("could not be read") && run.stderr.contains("what they hold is unknown"),
      "\(run)")
  }

  /// From the host, --all-namespaces joins the sandbox's IPC namespace and finds its segment
  /// there, with its pages and its attacher; without it, the segment is not ours to show.
  @Test func allNamespacesReadsOtherNamespacesSegments() throws {
    let box = try Sandbox()
    let id = box.plainSysVSegment(size: 2 * Self.mb)
    let attacher = try box.attacher(id)
    defer { attacher.stop() }
    var status = stat()
    try #require(stat("/proc/\(box.pid)/ns/ipc", &status) == 0)
    let namespace = Int(status.st_ino)
    func rows(_ arguments: [String]) throws -> [[String: Any]] {
      let run = try runProgram(toolPath, ["memory", "--json"] + arguments)
      try #require(run.status == 0, "\(run)")
      let document = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
      return (document?["rows"] as? [[String: Any]] ?? []).filter {
        $0["kind"] as? String == "sysv-shm" && $0["namespace"] as? Int == namespace
      }
    }
    #expect(try rows([]).isEmpty)
    let found = try rows(["--all-namespaces"])
    #expect(found.count == 1, "\(found)")
    let row = try #require(found.first)
    #expect(row["id"] as? Int == Int(id) && row["size"] as? Int == 2 * Self.mb, "\(row)")
    #expect(Self.pids(row) == [Int(attacher.pid)], "\(row)")
  }

  // MARK: Helpers

  static func account(_ box: Sandbox) throws -> [String: Any] {
    let run = try box.run(["memory", "--json"])
    try #require(run.status == 0, "\(run)")
    return try #require(
      try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run)")
  }

  /// Within 1 % and a page of `expected`.
  static func expect(
    _ value: Any?, _ expected: Int, _ comment: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let bytes = value as? Int ?? -1
    #expect(
      abs(bytes - expected) <= expected / 100 + 4096, "\(bytes) for \(expected): \(comment)",
      sourceLocation: sourceLocation)
  }

  static func pids(_ row: [String: Any]) -> Set<Int> {
    Set((row["holders"] as? [[String: Any]])?.compactMap { $0["pid"] as? Int } ?? [])
  }

  /// The namespace's own rows (its tmpfs mounts and segments) and the files `holders` hold.
  static func namespaceSum(_ document: [String: Any], holders: Set<Int>) -> Int {
    let rows = document["rows"] as? [[String: Any]] ?? []
    return rows.reduce(0) { sum, row in
      switch row["kind"] as? String {
      case "tmpfs" where row["seen_through"] is NSNull: sum + (row["used"] as? Int ?? 0)
      case "sysv-shm": sum + (row["resident"] as? Int ?? 0)
      case "memfd" where !pids(row).isDisjoint(with: holders): sum + (row["bytes"] as? Int ?? 0)
      case "shared-anon" where !pids(row).isDisjoint(with: holders):
        sum + (row["bytes"] as? Int ?? 0)
      default: sum
      }
    }
  }
}
