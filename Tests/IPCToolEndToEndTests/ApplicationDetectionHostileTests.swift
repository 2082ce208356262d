import Foundation
import TestSupport
import Testing

/// Application detection reads what a user controls: a process that looks like a postmaster,
/// its working directory, files named like PostgreSQL's in /dev/shm. None of it may make root
/// block (a FIFO) or open another file (a symlink): root's listing, inspection and cleans end,
/// and leave those files as they were (issue #22, item 2).
@Suite(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"), .serialized)
struct ApplicationDetectionHostileTests {
  static let nobody: uid_t = 65534

  @Test func aFakePostmasterWithFIFOsAndSymlinksNeitherBlocksNorSteersRoot() throws {
    let box = try Sandbox()
    let home = try TemporaryDirectory(shared: true)
    #expect(mkfifo(home.file("postmaster.pid"), 0o644) == 0)
    // /PostgreSQL.1 a FIFO and /PostgreSQL.2 a link to a root-only file, both the user's.
    let fifo = box.shmDirectory + "/PostgreSQL.1"
    let link = box.shmDirectory + "/PostgreSQL.2"
    #expect(mkfifo(fifo, 0o666) == 0 && chown(fifo, Self.nobody, Self.nobody) == 0)
    #expect(symlink("/etc/shadow", link) == 0 && lchown(link, Self.nobody, Self.nobody) == 0)
    var shadow = stat()
    stat("/etc/shadow", &shadow)

    // A user's process in that folder, attached to a segment whose header is a postmaster's
    // naming control segment 1 (the FIFO), and owning an unattached one naming 2 (the link).
    let fake = try RunningProgram(
      "/usr/bin/nsenter",
      ["--target", String(box.pid), "--ipc", "--mount", "--setuid", String(Self.nobody),
       "--setgid", String(Self.nobody), "--wd=\(home.path)", "--", "python3", "-c", """
        import ctypes, os, struct, sys, time
        libc = ctypes.CDLL(None)
        libc.shmat.restype = ctypes.c_void_p
        def segment(control):
            sid = libc.shmget(0, 4096, 0o1600)
            address = libc.shmat(sid, None, 0)
            ctypes.memmove(address, struct.pack('<iiQQI', 679834894, os.getpid(), 4096, 56, control), 28)
            return sid, address
        attached, _ = segment(1)
        left, address = segment(2)
        libc.shmdt(ctypes.c_void_p(address))
        print(attached, left, file=sys.stderr, flush=True)
        time.sleep(120)
        """])
    defer { fake.stop() }
    try #require(waitUntil { fake.outputSoFar.contains("\n") }, "\(fake.outputSoFar)")
    let ids = fake.outputSoFar.split(whereSeparator: \.isWhitespace).map(String.init)
    try #require(ids.count == 2)

    for command in [
      ["list", "--users"], ["list", "-A", "--users"], ["inspect", "sysv-shm:\(ids[0])"],
      ["inspect", "sysv-shm:\(ids[1])"], ["clean", "--all", "--dry-run"], ["clean", "--all"],
    ] {
      // Each ends on its own; 20 s is the bound of a hang, not a measure.
      let run = try box.runInside([toolPath] + command, timeout: 20)
      #expect(run.status == 0, "\(command): \(run)")
    }
    var fifoNow = stat(), linkNow = stat(), shadowNow = stat()
    #expect(lstat(fifo, &fifoNow) == 0 && fifoNow.st_mode & S_IFMT == S_IFIFO)
    #expect(lstat(link, &linkNow) == 0 && linkNow.st_mode & S_IFMT == S_IFLNK)
    #expect(stat("/etc/shadow", &shadowNow) == 0 && shadowNow.st_atim.tv_sec == shadow.st_atim.tv_sec)
  }
}
