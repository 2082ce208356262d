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

  /// A process of nobody's inside the sandbox, in user, IPC and mount namespaces of its own
  /// (`unshare -Urim`), that runs `script` there and then sleeps; its pid once it sleeps.
  func usersTarget(_ box: Sandbox, _ script: String) throws -> RunningProgram {
    let target = try RunningProgram(
      "/usr/bin/nsenter",
      ["--target", String(box.pid), "--ipc", "--mount", "--setuid", Self.nobody, "--setgid", Self.nobody,
       "--wd=/", "--", "/usr/bin/unshare", "-Urim", "/bin/sh", "-c", script + " && exec sleep 120"])
    try #require(waitUntil { comm(target.pid) == "sleep" }, "the target did not start: \(target.outputSoFar)")
    return target
  }

  func comm(_ pid: pid_t) -> String? {
    (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmingCharacters(in: .newlines)
  }

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
    let target = try usersTarget(box, "mount --bind /dev/shm/victim /dev/shm")
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
    let target = try usersTarget(box, "mount --bind \(victim.path) /dev/shm")
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
  /// looked up inside the target's root, it never reaches the host's.
  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/busybox"), "needs busybox-static"))
  func aChrootsDevShmIsASymlinkToTheHost() throws {
    let box = try Sandbox()
    let victim = try VictimFolder()
    let root = try TemporaryDirectory(shared: true)
    root.makeDirectory("bin")
    root.makeDirectory("dev")
    try root.copy("/usr/bin/busybox", as: "bin/busybox")
    root.symlink("bin/sleep", to: "busybox")
    root.symlink("dev/shm", to: victim.path)
    let before = victim.snapshot()
    let target = try RunningProgram(
      "/usr/bin/nsenter", ["--target", String(box.pid), "--ipc", "--mount", "--", "/usr/sbin/chroot", root.path, "/bin/sleep", "120"])
    defer { target.stop() }
    try #require(waitUntil { comm(target.pid) == "sleep" })

    let runs = try everyCommand(box, target.pid)
    #expect(victim.snapshot() == before)
    for run in runs { #expect(!run.stdout.contains("passwd") && !run.stdout.contains("removed  "), "\(run)") }
    #expect(runs[0].stderr.contains("/proc/\(target.pid)/root/dev/shm"), "\(runs[0])")
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
    let target = try usersTarget(
      box, "mount -t tmpfs none /dev/shm && : > /dev/shm/sem.x && mount --bind \(secret) /dev/shm/sem.x")
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
    let target = try usersTarget(box, "mount -t tmpfs none /dev/shm")
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
}
