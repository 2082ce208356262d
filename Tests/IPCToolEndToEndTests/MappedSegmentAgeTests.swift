import Foundation
import TestSupport
import Testing

/// Stores through a mapping change no time the kernel keeps: a segment mapped now has an
/// unknown idle age, shown as "?", and an age never selects it (the bug report: JACK's segment,
/// written every millisecond, read "11m" idle). And `--users` keeps USERS beside `-o +COL`.
@Suite(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"))
struct MappedSegmentAgeTests {
  @Test func aMappedSegmentsAgeIsUnknownAndNeverSelectsIt() throws {
    let box = try Sandbox()
    let mapped = box.name("mapped"), quiet = box.name("quiet")
    box.plainPosixSegment(mapped, size: 64)
    box.plainPosixSegment(quiet, size: 64)
    let segment = box.plainSysVSegment(size: 4096)
    let attacher = try box.attacher(segment)
    defer { attacher.stop() }
    let mapper = try RunningProgram(
      "/usr/bin/nsenter", ["--target", String(box.pid), "--ipc", "--mount", "--", "python3", "-c", """
        import mmap, os, sys, time
        fd = os.open('/dev/shm\(mapped)', os.O_RDWR)
        view = mmap.mmap(fd, 64)
        os.close(fd)
        print('mapped', file=sys.stderr, flush=True)
        time.sleep(60)
        """])
    defer { mapper.stop() }
    try #require(waitUntil { mapper.outputSoFar.contains("mapped") })

    let idle = try box.run(["list", "--users", "--kind", "shm", "-o", "ref,idle", "--no-headings"])
    #expect(idle.lines.contains { $0.hasPrefix("posix-shm:\(mapped) ") && $0.hasSuffix(" ?") }, "\(idle)")
    #expect(idle.lines.contains { $0.hasPrefix("sysv-shm:\(segment) ") && $0.hasSuffix(" ?") }, "\(idle)")
    #expect(idle.lines.contains { $0.hasPrefix("posix-shm:\(quiet) ") && !$0.hasSuffix(" ?") }, "\(idle)")

    // "--idle 0s" selects everything whose age is known.
    let listed = try box.run(["list", "--idle", "0s", "--kind", "shm", "-o", "ref", "--no-headings"])
    #expect(listed.lines == ["posix-shm:\(quiet)"], "\(listed)")
    let cleaned = try box.run(["clean", "--idle", "0s", "--kind", "shm", "--force"])
    #expect(cleaned.lines.first == "removed  posix-shm:\(quiet)", "\(cleaned)")
    #expect(cleaned.lines.count == 2, "\(cleaned)")
    let left = try box.run(["list", "--kind", "shm", "-o", "ref", "--no-headings"])
    #expect(Set(left.lines) == ["posix-shm:\(mapped)", "sysv-shm:\(segment)"], "\(left)")
  }

  @Test func usersStaysBesideAddedColumns() throws {
    let box = try Sandbox()
    box.plainPosixSegment(box.name("x"), size: 8)
    let run = try box.run(["list", "--users", "-o", "+key"])
    let heading = try #require(run.lines.first, "\(run)")
    #expect(heading.contains("KEY") && heading.hasSuffix("USERS"), "\(run)")
  }
}
