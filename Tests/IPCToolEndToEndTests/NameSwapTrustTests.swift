import Foundation
import TestSupport
import Testing

/// What a namespace's root may change in its /dev/shm while root's ipctool reads it, once the
/// folder is opened and its mount table read: each name is stat'ed in one statx as it is (no
/// link followed, a file system mounted on it asked nothing) and refused unless it is a regular
/// file on the folder's own mount; a semaphore is opened without crossing a mount or a link.
/// Each change is made at a fixed point of the run (a fanotify permission event holds root's
/// open until it is made): deterministic, no timing.
@Suite(.enabled(if: Sandbox.isRoot, "needs root for private namespaces"))
struct NameSwapTrustTests {
  /// Holds the first open of `argv[1]` (a folder or a file) until the steps `argv[3...]` are
  /// done in the mount namespace of pid `argv[2]`: "bind:SOURCE:TARGET" (a bind mount),
  /// "symlink:TARGET:LINK", "fifo:PATH", "folder:PATH" (each replacing the file there).
  static let gate = """
    import ctypes, os, struct, sys, time
    libc = ctypes.CDLL(None, use_errno=True)
    def check(result, what):
        if result < 0:
            sys.exit(what + ": " + os.strerror(ctypes.get_errno()))
        return result
    FAN_CLASS_CONTENT, FAN_OPEN_PERM, FAN_ONDIR, FAN_MARK_ADD, FAN_MARK_FLUSH = 8, 0x10000, 0x40000000, 1, 0x80
    notify = check(libc.fanotify_init(FAN_CLASS_CONTENT, os.O_RDONLY), "fanotify_init")
    check(libc.fanotify_mark(notify, FAN_MARK_ADD, ctypes.c_uint64(FAN_OPEN_PERM | FAN_ONDIR), -100,
                             sys.argv[1].encode()), "fanotify_mark")
    namespace = os.open(f"/proc/{sys.argv[2]}/ns/mnt", os.O_RDONLY)
    print("armed", file=sys.stderr, flush=True)
    event = os.read(notify, 4096)
    length, version, _, _, mask, opened, pid = struct.unpack_from("<IBBHQii", event)
    check(libc.setns(namespace, 0x20000), "setns")  # CLONE_NEWNS
    for step in sys.argv[3:]:
        what, *paths = step.split(":")
        if what == "bind":
            check(libc.mount(paths[0].encode(), paths[1].encode(), None, 4096, None), "mount")  # MS_BIND
        elif what == "symlink":
            os.unlink(paths[1]); os.symlink(paths[0], paths[1])
        elif what == "fifo":
            os.unlink(paths[0]); os.mkfifo(paths[0])
        elif what == "folder":
            os.unlink(paths[0]); os.mkdir(paths[0])
    libc.fanotify_mark(notify, FAN_MARK_FLUSH, ctypes.c_uint64(0), -100, None)
    # Said before the open is let go: the test reads it as soon as ipctool ends.
    print("changed", file=sys.stderr, flush=True)
    os.write(notify, struct.pack("<iI", opened, 1))  # FAN_ALLOW
    os.close(opened)
    while True:
        time.sleep(3600)
    """

  /// A namespace of the sandbox with a tmpfs /dev/shm of its own, made by `setup` (run there),
  /// then asleep.
  func target(_ box: Sandbox, _ setup: String) throws -> RunningProgram {
    let script = "mount -t tmpfs none /dev/shm && " + setup + " && exec sleep 120"
    let target = try RunningProgram(
      "/usr/bin/nsenter",
      ["--target", String(box.pid), "--ipc", "--mount", "--", "/usr/bin/unshare", "--mount", "--ipc",
       "--propagation", "private", "/bin/sh", "-c", script])
    try #require(waitUntil { comm(target.pid) == "sleep" }, "\(target.outputSoFar)")
    return target
  }

  /// Runs `command` against `target` from the sandbox, with the gate holding the first open of
  /// `watched` (relative to the target's /dev/shm; "" for the folder) until `steps` are done.
  func run(
    _ box: Sandbox, _ target: RunningProgram, watching watched: String, _ steps: [String],
    _ command: [String]
  ) throws -> ToolRun {
    let folder = try TemporaryDirectory()
    try folder.write("gate.py", Self.gate)
    let pid = String(target.pid)
    let path = "/proc/\(pid)/root/dev/shm" + (watched.isEmpty ? "" : "/" + watched)
    let gate = try RunningProgram("/usr/bin/python3", [folder.file("gate.py"), path, pid] + steps)
    defer { gate.stop() }
    try #require(waitUntil { gate.outputSoFar.contains("armed") }, "\(gate.outputSoFar)")
    let run = try box.runInside([toolPath] + command + ["--target", pid], timeout: 20)
    #expect(gate.outputSoFar.contains("changed"), "\(gate.outputSoFar)")
    #expect(!run.signaled, "\(command): \(run)")
    return run
  }

  /// The value 42, as glibc lays out a sem_t: what must never show as a value read.
  static let secret = "printf '\\052\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0'"

  /// Files bound over names once the folder is opened: one of the same tmpfs (only the mount
  /// id tells it from an object: same device, a regular file) and one of a second tmpfs. Neither
  /// is listed, inspected as an object, or cleaned; the object beside them is.
  @Test(
    .enabled(if: installed("python3"), "needs python3 (the gate)"),
    arguments: [
      ["list"], ["list", "--json"], ["inspect", "posix-shm:/seg"], ["inspect", "posix-sem:/same"],
      ["clean", "--all", "--dry-run"], ["clean", "--all", "--force"],
    ])
  func filesBoundOverNamesAfterTheFolderIsOpenedAreNoObjects(command: [String]) throws {
    let box = try Sandbox()
    let setup = [
      "mkdir /dev/shm/other", "mount -t tmpfs none /dev/shm/other",
      "\(Self.secret) > /dev/shm/other/secret", "\(Self.secret) > /dev/shm/sem.source",
      ": > /dev/shm/seg", ": > /dev/shm/sem.same", ": > /dev/shm/sem.y", ": > /dev/shm/kept",
    ].joined(separator: " && ")
    let target = try target(box, setup)
    defer { target.stop() }
    let run = try run(
      box, target, watching: "",
      ["bind:/dev/shm/kept:/dev/shm/seg", "bind:/dev/shm/sem.source:/dev/shm/sem.same",
       "bind:/dev/shm/other/secret:/dev/shm/sem.y"], command)
    for bound in ["/seg", "/same", "/y"] {
      #expect(!run.stdout.contains(bound), "\(command): \(run)")
    }
    let listed = Set(run.stdout.split(separator: "\n").compactMap { $0.split(separator: " ").first })
    switch command.first {
    case "list" where command.count == 1:
      #expect(listed == ["REF", "posix-shm:/kept", "posix-sem:/source"], "\(run)")
      #expect(run.stdout.contains("value 42"), "\(run)")  // the semaphore that is one
    case "clean" where command.contains("--force"):
      #expect(listed.contains("removed") && run.stdout.contains("posix-shm:/kept"), "\(run)")
      #expect(run.lines.last == "removed 2, kept 0 in use, failed 0", "\(run)")
    case "inspect":
      #expect(run.status != 0 && run.stderr.hasSuffix(": no such object\n"), "\(run)")
    default:
      #expect(run.status == 0, "\(run)")
    }
  }

  /// A stalled FUSE file mounted over a segment's name once the folder is opened: stat'ed with
  /// what the kernel holds (the server is never asked), refused by its mount, never listed or
  /// cleaned (beside TargetTrustTests' semaphore case, which goes through the open).
  @Test(
    .enabled(if: access("/dev/fuse", R_OK | W_OK) == 0, "needs /dev/fuse"),
    .enabled(if: installed("python3"), "needs python3 (the FUSE server)"),
    arguments: [["list"], ["clean", "--all", "--dry-run"], ["clean", "--all", "--force"]])
  func aStalledFuseFileOverASegmentAfterTheFolderIsOpenedIsNeverAsked(command: [String]) throws {
    let box = try Sandbox()
    let folder = try TemporaryDirectory()
    try folder.write("gate.py", TargetTrustTests.fuseAtFirstOpen)
    let target = try target(box, ": > /dev/shm/seg && : > /dev/shm/kept")
    defer { target.stop() }
    let pid = String(target.pid)
    let gate = try RunningProgram(
      "/usr/bin/python3", [folder.file("gate.py"), "/proc/\(pid)/root/dev/shm", "/dev/shm/seg", pid])
    defer { gate.stop() }
    try #require(waitUntil { gate.outputSoFar.contains("armed") }, "\(gate.outputSoFar)")

    let run = try box.runInside([toolPath] + command + ["--target", pid], timeout: 20)
    #expect(gate.outputSoFar.contains("mounted"), "\(gate.outputSoFar)")
    #expect(!run.signaled && run.status == 0, "\(command): \(run)")
    #expect(!run.stdout.contains("/seg") && run.stdout.contains("posix-shm:/kept"), "\(command): \(run)")
  }

  /// Semaphores swapped once the first one is opened for its value: a link to a semaphore-shaped
  /// file of the same tmpfs and mount (following it would read 42), a FIFO, a folder. None is
  /// listed, no value is read through the link, nothing waits on the FIFO.
  @Test(.enabled(if: installed("python3"), "needs python3 (the gate)"))
  func semaphoresSwappedWhileTheListingReadsAreNoObjects() throws {
    let box = try Sandbox()
    let setup = [
      "mkdir /dev/shm/hidden", "\(Self.secret) > /dev/shm/hidden/secret",
      ": > /dev/shm/sem.a", ": > /dev/shm/sem.b", ": > /dev/shm/sem.c", ": > /dev/shm/sem.d",
      ": > /dev/shm/sem.e",
    ].joined(separator: " && ")
    let target = try target(box, setup)
    defer { target.stop() }
    let run = try run(
      box, target, watching: "sem.a",
      ["symlink:/dev/shm/hidden/secret:/dev/shm/sem.b", "symlink:hidden/secret:/dev/shm/sem.c",
       "fifo:/dev/shm/sem.d", "folder:/dev/shm/sem.e"], ["list"])
    let listed = run.stdout.split(separator: "\n").compactMap { $0.split(separator: " ").first }
    #expect(listed == ["REF", "posix-sem:/a"], "\(run)")
    // As USAGE shows a value ("value 42"): a bare "42" may be the CHANGED column's time.
    #expect(!run.stdout.contains("value 42"), "\(run)")
  }
}
