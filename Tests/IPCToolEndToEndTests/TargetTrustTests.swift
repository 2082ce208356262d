import Foundation
import TestSupport
import Testing

/// What a target (a user's namespace, a chroot, a container) may make root's ipctool do through
/// its /dev/shm: nothing outside it. Each hostile target points at a folder of root's files the
/// test made; every command is run as root against it, and the folder must be byte-identical
/// afterwards.
@Suite(.enabled(if: Sandbox.isRoot, "needs root for private namespaces"))
struct TargetTrustTests {
  static let nobody = "65534"

  /// Every command that reads, creates or removes through a target's /dev/shm.
  func everyCommand(_ box: Sandbox, _ pid: pid_t) throws -> [ToolRun] {
    let target = ["--target", String(pid)]
    return try [
      ["list"] + target, ["inspect", "/passwd"] + target, ["clean", "--all"] + target,
      ["clean", "--all", "--force"] + target, ["unlink", "/passwd", "/shadow"] + target,
      ["create", "posix-shm", "/made", "--size", "8", "--mode", "0666"] + target,
      ["create", "posix-sem", "/made", "--mode", "0666"] + target,
      ["list", "-A"], ["namespaces"],
    ].map { try box.run($0) }
  }

  /// An unprivileged user binds a folder of root's, on a tmpfs, over its /dev/shm: it is a
  /// tmpfs, so it is read; but what is made and removed there is made by the namespace's root,
  /// who may not.
  @Test func aUserBindsRootsTmpfsFolderOverItsDevShm() throws {
    let box = try Sandbox()
    let victim = try VictimFolder(in: box.shmDirectory)
    let before = victim.snapshot()
    let target = try box.usersTarget("mount --bind /dev/shm/victim /dev/shm")
    defer { target.stop() }

    let runs = try everyCommand(box, target.pid)
    #expect(victim.snapshot() == before)
    let clean = runs[3]
    #expect(clean.lines.first == "failed   posix-shm:/passwd: Permission denied", "\(clean)")
    #expect(runs[4].stderr.contains("unlink posix-shm:/passwd: Permission denied"), "\(runs[4])")
    #expect(runs[5].stderr == "ipctool: create posix-shm:/made: Permission denied\n", "\(runs[5])")
    #expect(runs[6].status == 1, "\(runs[6])")
  }

  /// The same user binds a folder of root's on a disk: not a tmpfs, never entered.
  @Test func aUserBindsADiskFolderOverItsDevShm() throws {
    let box = try Sandbox()
    let victim = try VictimFolder()
    let onTmpfs = try runProgram("/usr/bin/stat", ["-f", "-c", "%T", victim.path]).stdout == "tmpfs\n"
    let before = victim.snapshot()
    let target = try box.usersTarget("mount --bind \(victim.path) /dev/shm")
    defer { target.stop() }

    let runs = try everyCommand(box, target.pid)
    #expect(victim.snapshot() == before)
    for run in runs { #expect(!run.stdout.contains("passwd") && !run.stdout.contains("removed  "), "\(run)") }
    if !onTmpfs {
      let refused = "/proc/\(target.pid)/root/dev/shm is not a tmpfs"
      #expect(runs[0].stderr.contains("posix-shm, posix-sem: \(refused)"), "\(runs[0])")
      #expect(runs[4].stderr.contains("unlink /passwd: \(refused)"), "\(runs[4])")
      #expect(runs[5].stderr.contains("create posix-shm:/made: \(refused)"), "\(runs[5])")
      #expect(runs[8].stderr.contains("its /dev/shm is not a tmpfs"), "\(runs[8])")
    }
  }

  /// A chroot (busybox-static) whose /dev/shm is an absolute symlink to a folder of the host's:
  /// looked up inside the target's root, and never through a link, it never reaches the host's.
  /// Its root either a plain folder (a root its mount table does not show: nothing can be
  /// vetted) or a tmpfs of its own (vetted; then the link is refused).
  @Test(
    .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/busybox"), "needs busybox-static"),
    arguments: [false, true])
  func aChrootsDevShmIsASymlinkToTheHost(rootIsTmpfs: Bool) throws {
    let box = try Sandbox()
    let victim = try VictimFolder()
    let root = try TemporaryDirectory(shared: true)
    let build = "mkdir -p \"$1/bin\" \"$1/dev\" && cp /usr/bin/busybox \"$1/bin/\""
      + " && ln -s busybox \"$1/bin/sleep\" && ln -s \"$2\" \"$1/dev/shm\""
    let script = (rootIsTmpfs ? "mount -t tmpfs none \"$1\" && " : "") + build
      + " && exec /usr/sbin/chroot \"$1\" /bin/sleep 120"
    let before = victim.snapshot()
    let target = try RunningProgram(
      "/usr/bin/nsenter",
      ["--target", String(box.pid), "--ipc", "--mount", "--", "/usr/bin/unshare", "--mount",
       "--propagation", "private", "/bin/sh", "-c", script, "sh", root.path, victim.path])
    defer { target.stop() }
    try #require(waitUntil { comm(target.pid) == "sleep" }, "\(target.outputSoFar)")

    let runs = try everyCommand(box, target.pid)
    #expect(victim.snapshot() == before)
    for run in runs { #expect(!run.stdout.contains("passwd") && !run.stdout.contains("removed  "), "\(run)") }
    let said = rootIsTmpfs ? "is a symbolic link, or reached through one: not read" : "is not verifiable"
    #expect(runs[0].stderr.contains("/proc/\(target.pid)/root/dev/shm \(said)"), "\(runs[0])")
  }

  /// A root-only file bound over "sem.x" in a user's namespace is not a semaphore: its bytes are
  /// never read as one (a file on another mount than its folder is not an object).
  @Test func aFileBoundOverASemaphoreIsNotRead() throws {
    let box = try Sandbox()
    let folder = try TemporaryDirectory(shared: true)
    // Read as a semaphore, its first four bytes are the value: 42.
    let secret = folder.file("secret")
    let fd = open(secret, O_WRONLY | O_CREAT | O_EXCL, 0o600)
    try #require(fd >= 0)
    _ = ([42, 0, 0, 0] + [UInt8](repeating: 0, count: 28)).withUnsafeBytes { write(fd, $0.baseAddress, 32) }
    close(fd)
    let target = try box.usersTarget(
      "mount -t tmpfs none /dev/shm && : > /dev/shm/sem.x && mount --bind \(secret) /dev/shm/sem.x")
    defer { target.stop() }

    for arguments in [["list", "--target", String(target.pid)], ["list", "-A"], ["inspect", "posix-sem:/x", "--target", String(target.pid)]] {
      let run = try box.run(arguments)
      #expect(!run.stdout.contains("value 42") && !run.stdout.contains("posix-sem:/x"), "\(arguments): \(run)")
    }
  }

  /// A user's namespace whose own tmpfs is its /dev/shm: its root makes and removes there as
  /// before, and what is made is that root's (nobody's, seen from here).
  @Test func aUsersOwnTmpfsStillWorks() throws {
    let box = try Sandbox()
    let target = try box.usersTarget("mount -t tmpfs none /dev/shm")
    defer { target.stop() }
    let pid = String(target.pid)
    #expect(try box.run(["create", "posix-shm", "/made", "--size", "8", "--target", pid]).status == 0)
    #expect(try box.run(["create", "posix-sem", "/made", "--target", pid]).status == 0)
    let listed = try box.run(["list", "--target", pid, "--json"]).objects()
    #expect(listed.compactMap { $0["ref"] as? String } == ["posix-shm:/made", "posix-sem:/made"])
    #expect(listed.compactMap { $0["owner"] as? String } == ["nobody", "nobody"], "\(listed)")
    let clean = try box.run(["clean", "--target", pid, "--prefix", "/made"])
    #expect(clean.lines.last == "removed 2, kept 0 in use, failed 0", "\(clean)")
  }

  /// A FUSE server that answers INIT and nothing else: any later request waits forever.
  static let stalledFuse = """
    import ctypes, os, struct, sys, time
    fd = os.open("/dev/fuse", os.O_RDWR)
    libc = ctypes.CDLL(None, use_errno=True)
    # argv[2]: the root's mode, 40000 (a folder) or 100000 (a file, mounted over a file).
    options = f"fd={fd},rootmode={sys.argv[2]},user_id=0,group_id=0".encode()
    if libc.mount(b"stall", sys.argv[1].encode(), b"fuse.stall", 0, options) != 0:
        sys.exit("mount: " + os.strerror(ctypes.get_errno()))
    request = os.read(fd, 1 << 20)
    length, opcode, unique = struct.unpack_from("<IIQ", request)
    assert opcode == 26, opcode  # FUSE_INIT
    # fuse_init_out of protocol 7.22: major, minor, max_readahead, flags, max_background,
    # congestion_threshold, max_write.
    reply = struct.pack("<IIIIHHI", 7, 22, 0, 0, 1, 1, 4096)
    os.write(fd, struct.pack("<IiQ", 16 + len(reply), 0, unique) + reply)
    print("ready", file=sys.stderr, flush=True)
    while True:
        time.sleep(3600)
    """

  /// A namespace whose /dev/shm is a stalled FUSE mount: decided from its mount table, never
  /// entered, so nothing hangs; every command that visits it says why it was skipped.
  @Test(
    .enabled(if: access("/dev/fuse", R_OK | W_OK) == 0, "needs /dev/fuse"),
    .enabled(if: installed("python3"), "needs python3 (the FUSE server)"))
  func aStalledFuseMountIsNeverEntered() throws {
    let box = try Sandbox()
    let folder = try TemporaryDirectory()
    try folder.write("stall.py", Self.stalledFuse)
    let server = try RunningProgram(
      "/usr/bin/nsenter",
      ["--target", String(box.pid), "--ipc", "--mount", "--", "/usr/bin/unshare", "--mount", "--ipc",
       "--propagation", "private", "/usr/bin/python3", folder.file("stall.py"), "/dev/shm", "40000"])
    defer { server.stop() }
    try #require(waitUntil { server.outputSoFar.contains("ready") }, "\(server.outputSoFar)")
    let pid = String(server.pid)
    let said = "/dev/shm is not a tmpfs (fuse.stall): not read"
    for arguments in [["list", "--target", pid], ["clean", "--all", "--target", pid], ["limits", "--target", pid], ["namespaces"], ["list", "-A"]] {
      let run = try box.runInside([toolPath] + arguments, timeout: 20)
      #expect(!run.signaled && run.stderr.contains(said), "\(arguments): \(run)")
    }
  }

  /// An object in a /dev/shm that several IPC namespaces see: a broad clean aimed at one of
  /// them keeps it while its owner runs a process in any namespace that sees that /dev/shm, as
  /// a clean of the owner's own namespace does.
  @Test func theOwnerGuardCountsEveryNamespaceThatSeesTheFolder() throws {
    let box = try Sandbox()
    let name = box.name("shared")
    box.segment(named: Array(name.dropFirst().utf8), owner: 65534)
    let owners = try RunningProgram(
      "/usr/bin/nsenter",
      ["--target", String(box.pid), "--ipc", "--mount", "--setuid", Self.nobody, "--setgid", Self.nobody,
       "--wd=/", "--", "/bin/sleep", "120"])
    defer { owners.stop() }
    // Another IPC namespace, the same mount namespace: the same /dev/shm.
    let target = try RunningProgram(
      "/usr/bin/nsenter", ["--target", String(box.pid), "--mount", "--", "/usr/bin/unshare", "--ipc", "/bin/sleep", "120"])
    defer { target.stop() }
    try #require(waitUntil { comm(owners.pid) == "sleep" && comm(target.pid) == "sleep" })

    let run = try box.run(["clean", "--all", "--target", String(target.pid)])
    #expect(run.lines.first == "kept     posix-shm:\(name): owner nobody has 1 live process here; one may hold"
      + " it without mapping it (--force removes it)", "\(run)")
    #expect(box.shmFileNames() == [Array(name.dropFirst().utf8)])
  }

  /// A user namespace with no root mapped (`unshare -U`) that sees root's /dev/shm: its root
  /// could remove nothing there, so neither does a clean aimed at it; the object is not "gone".
  @Test func aUserNamespaceWithoutARootRemovesNothing() throws {
    let box = try Sandbox()
    let name = box.name("roots")
    box.segment(named: Array(name.dropFirst().utf8), size: 8)
    let target = try RunningProgram(
      "/usr/bin/nsenter",
      ["--target", String(box.pid), "--ipc", "--mount", "--setuid", Self.nobody, "--setgid", Self.nobody,
       "--wd=/", "--", "/usr/bin/unshare", "-U", "/bin/sleep", "120"])
    defer { target.stop() }
    try #require(waitUntil { comm(target.pid) == "sleep" })
    let clean = try box.run(["clean", "--prefix", name, "--target", String(target.pid)])
    #expect(clean.lines.first == "failed   posix-shm:\(name): Permission denied", "\(clean)")
    #expect(box.shmFileNames() == [Array(name.dropFirst().utf8)])
  }

  /// A stalled FUSE file mounted over "sem.x" in a namespace's own tmpfs /dev/shm: the name is
  /// known from the mount table to have something mounted on it, so it is never looked up
  /// (a stat would wait on the FUSE server forever), nor listed, inspected or removed.
  @Test(
    .enabled(if: access("/dev/fuse", R_OK | W_OK) == 0, "needs /dev/fuse"),
    .enabled(if: installed("python3"), "needs python3 (the FUSE server)"))
  func aStalledFuseFileOverANameIsNeverLookedUp() throws {
    let box = try Sandbox()
    let folder = try TemporaryDirectory()
    try folder.write("stall.py", Self.stalledFuse)
    let script = "mount -t tmpfs none /dev/shm && : > /dev/shm/sem.x && : > /dev/shm/kept"
      + " && exec /usr/bin/python3 \"$0\" /dev/shm/sem.x 100000"
    let server = try RunningProgram(
      "/usr/bin/nsenter",
      ["--target", String(box.pid), "--ipc", "--mount", "--", "/usr/bin/unshare", "--mount", "--ipc",
       "--propagation", "private", "/bin/sh", "-c", script, folder.file("stall.py")])
    defer { server.stop() }
    try #require(waitUntil { server.outputSoFar.contains("ready") }, "\(server.outputSoFar)")
    let pid = String(server.pid)
    for arguments in [
      ["list", "--target", pid], ["list", "-A"], ["inspect", "posix-sem:/x", "--target", pid],
      ["clean", "--all", "--dry-run", "--target", pid], ["unlink", "posix-sem:/x", "--target", pid],
    ] {
      let run = try box.runInside([toolPath] + arguments, timeout: 20)
      #expect(!run.signaled && !run.stdout.contains("posix-sem:/x"), "\(arguments): \(run)")
    }
    let listed = try box.runInside([toolPath, "list", "--target", pid], timeout: 20)
    #expect(listed.lines.dropFirst().map { $0.split(separator: " ").first } == ["posix-shm:/kept"], "\(listed)")
  }

  /// A FUSE server that answers INIT and OPEN, and nothing after: a file of it held open by a
  /// forked child (which prints "ready"), whose attributes the kernel can never fetch.
  static let stalledOpenFile = """
    import ctypes, os, struct, sys, time
    fd = os.open("/dev/fuse", os.O_RDWR)
    libc = ctypes.CDLL(None, use_errno=True)
    options = f"fd={fd},rootmode=100000,user_id=0,group_id=0".encode()
    if libc.mount(b"stall", sys.argv[1].encode(), b"fuse.stall", 0, options) != 0:
        sys.exit("mount: " + os.strerror(ctypes.get_errno()))
    def answer(unique, reply):
        os.write(fd, struct.pack("<IiQ", 16 + len(reply), 0, unique) + reply)
    request = os.read(fd, 1 << 20)
    length, opcode, unique = struct.unpack_from("<IIQ", request)
    assert opcode == 26, opcode  # FUSE_INIT
    answer(unique, struct.pack("<IIIIHHI", 7, 22, 0, 0, 1, 1, 4096))
    if os.fork() == 0:
        libc.prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL: it goes with the server
        os.close(fd)  # else, the server gone, its FLUSH at exit would wait on itself
        held = os.open(sys.argv[1], os.O_RDONLY)
        print("ready", file=sys.stderr, flush=True)
        time.sleep(3600)
        os._exit(0)
    while True:  # FUSE_OPEN gets a file handle; GETATTR and the rest wait forever
        request = os.read(fd, 1 << 20)
        length, opcode, unique = struct.unpack_from("<IIQ", request)
        if opcode == 14:
            answer(unique, struct.pack("<QII", 1, 0, 0))
    """

  /// A user's process holding open a FUSE file whose server stopped answering: the /proc scan
  /// of `list --users` and `clean` follows its descriptor with the attributes the kernel has
  /// cached, and never waits on the server (it hung in an uninterruptible sleep before).
  @Test(
    .enabled(if: access("/dev/fuse", R_OK | W_OK) == 0, "needs /dev/fuse"),
    .enabled(if: installed("python3"), "needs python3 (the FUSE server)"))
  func aStalledFuseFileHeldOpenStopsNoScan() throws {
    let box = try Sandbox()
    let name = box.name("kept")
    box.segment(named: Array(name.dropFirst().utf8), size: 8)
    let folder = try TemporaryDirectory()
    try folder.write("stall.py", Self.stalledOpenFile)
    let script = "mkdir -p /run/stall && mount -t tmpfs none /run/stall && : > /run/stall/f"
      + " && exec /usr/bin/python3 \"$0\" /run/stall/f"
    let server = try RunningProgram(
      "/usr/bin/nsenter",
      ["--target", String(box.pid), "--ipc", "--mount", "--", "/usr/bin/unshare", "--mount",
       "--propagation", "private", "/bin/sh", "-c", script, folder.file("stall.py")])
    defer { server.stop() }
    try #require(waitUntil { server.outputSoFar.contains("ready") }, "\(server.outputSoFar)")
    for arguments in [["list", "--users"], ["clean", "--all", "--dry-run"], ["inspect", name]] {
      let run = try box.runInside([toolPath] + arguments, timeout: 20)
      #expect(!run.signaled && run.status == 0, "\(arguments): \(run)")
    }
  }
  /// The stalled FUSE server above, mounted over `argv[2]` in the mount namespace of `argv[3]`
  /// at the moment root's ipctool first opens the folder `argv[1]` for reading (a fanotify
  /// permission event holds that open until the mount is made): after the handle is verified
  /// and the mount table read, before any name in it is looked up. Deterministic, no timing.
  static let fuseAtFirstOpen = """
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
    namespace = os.open(f"/proc/{sys.argv[3]}/ns/mnt", os.O_RDONLY)
    print("armed", file=sys.stderr, flush=True)
    event = os.read(notify, 4096)
    length, version, _, _, mask, opened, pid = struct.unpack_from("<IBBHQii", event)
    check(libc.setns(namespace, 0x20000), "setns")  # CLONE_NEWNS
    fuse = os.open("/dev/fuse", os.O_RDWR)
    options = f"fd={fuse},rootmode=100000,user_id=0,group_id=0".encode()
    check(libc.mount(b"stall", sys.argv[2].encode(), b"fuse.stall", 0, options), "mount")
    request = os.read(fuse, 1 << 20)
    _, opcode, unique = struct.unpack_from("<IIQ", request)
    assert opcode == 26, opcode  # FUSE_INIT
    reply = struct.pack("<IIIIHHI", 7, 22, 0, 0, 1, 1, 4096)
    os.write(fuse, struct.pack("<IiQ", 16 + len(reply), 0, unique) + reply)
    libc.fanotify_mark(notify, FAN_MARK_FLUSH, ctypes.c_uint64(0), -100, None)
    # Said before the open is let go: the test reads it as soon as ipctool ends.
    print("mounted", file=sys.stderr, flush=True)
    os.write(notify, struct.pack("<iI", opened, 1))  # FAN_ALLOW
    os.close(opened)
    while True:
        time.sleep(3600)
    """

  /// The same stalled FUSE file, mounted over "sem.x" only once root's ipctool has opened and
  /// verified the folder: the mount table it read shows nothing on the name, yet no name is
  /// looked up across a mount (a stat or open there would wait on the FUSE server forever).
  @Test(
    .enabled(if: access("/dev/fuse", R_OK | W_OK) == 0, "needs /dev/fuse"),
    .enabled(if: installed("python3"), "needs python3 (the FUSE server)"),
    arguments: [
      ["list"], ["inspect", "posix-sem:/x"], ["clean", "--all", "--dry-run"], ["list", "--users"],
    ])
  func aFuseFileMountedOverANameAfterTheFolderIsOpenedIsNeverEntered(command: [String]) throws {
    let box = try Sandbox()
    let folder = try TemporaryDirectory()
    try folder.write("gate.py", Self.fuseAtFirstOpen)
    let script = "mount -t tmpfs none /dev/shm && : > /dev/shm/sem.x && : > /dev/shm/kept && exec sleep 120"
    let target = try RunningProgram(
      "/usr/bin/nsenter",
      ["--target", String(box.pid), "--ipc", "--mount", "--", "/usr/bin/unshare", "--mount", "--ipc",
       "--propagation", "private", "/bin/sh", "-c", script])
    defer { target.stop() }
    try #require(waitUntil { comm(target.pid) == "sleep" }, "\(target.outputSoFar)")
    let pid = String(target.pid)
    let gate = try RunningProgram(
      "/usr/bin/python3", [folder.file("gate.py"), "/proc/\(pid)/root/dev/shm", "/dev/shm/sem.x", pid])
    defer { gate.stop() }
    try #require(waitUntil { gate.outputSoFar.contains("armed") }, "\(gate.outputSoFar)")

    let run = try box.runInside([toolPath] + command + ["--target", pid], timeout: 20)
    #expect(gate.outputSoFar.contains("mounted"), "\(gate.outputSoFar)")
    #expect(!run.signaled && !run.stdout.contains("posix-sem:/x"), "\(command): \(run)")
    if command == ["list"] {
      #expect(run.lines.dropFirst().map { $0.split(separator: " ").first } == ["posix-shm:/kept"], "\(run)")
    }
  }

  /// An unprivileged process holding a descriptor (O_PATH, which asks FUSE nothing) on a stalled
  /// FUSE mount: root's scan of who uses what must not stat through /proc/PID/fd into it (the
  /// stat waits on the FUSE server forever). Found in the hostile pass.
  @Test(
    .enabled(if: access("/dev/fuse", R_OK | W_OK) == 0, "needs /dev/fuse"),
    .enabled(if: installed("python3"), "needs python3 (the FUSE server)"),
    arguments: [["list", "--users"], ["clean", "--all", "--dry-run"], ["inspect", "/obj"]])
  func aDescriptorOnAStalledFuseMountDoesNotHangTheUsersScan(command: [String]) throws {
    let box = try Sandbox()
    let folder = try TemporaryDirectory(shared: true)
    try folder.write("stall.py", Self.stalledFuse)
    let mountPoint = folder.file("mnt")
    mkdir(mountPoint, 0o755)
    let server = try RunningProgram(
      "/usr/bin/nsenter",
      ["--target", String(box.pid), "--ipc", "--mount", "--", "/usr/bin/python3", folder.file("stall.py"), mountPoint, "40000"])
    defer { server.stop() }
    try #require(waitUntil { server.outputSoFar.contains("ready") }, "\(server.outputSoFar)")
    let hold = "import os, sys, time; os.open(sys.argv[1], os.O_PATH); print('holding', file=sys.stderr, flush=True); time.sleep(120)"
    let holder = try RunningProgram(
      "/usr/bin/nsenter",
      ["--target", String(box.pid), "--ipc", "--mount", "--setuid", Self.nobody, "--setgid", Self.nobody,
       "--wd=/", "--", "/usr/bin/python3", "-c", hold, mountPoint])
    defer { holder.stop() }
    try #require(waitUntil { holder.outputSoFar.contains("holding") }, "\(holder.outputSoFar)")
    box.segment(named: Array("obj".utf8), size: 8)

    let run = try box.runInside([toolPath] + command, timeout: 20)
    #expect(!run.signaled && run.status == 0 && run.stdout.contains("/obj"), "\(command): \(run)")
  }
}
