import Foundation
import TestSupport
import Testing

/// Selectors that select nothing in particular are refused, and a private mapping is a use.
@Suite(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"))
struct CleanSelectorTests {
  /// An unset shell variable (`--prefix "$P"`) must not wipe every POSIX object.
  @Test func anEmptyPrefixIsNoSelector() throws {
    let box = try Sandbox()
    box.segment(named: Array("keep".utf8))
    for prefix in ["", "/"] {
      let run = try box.run(["clean", "--prefix", prefix])
      #expect(run.status == 2, "--prefix '\(prefix)': \(run)")
      #expect(run.stderr.contains("no selector given"), "\(run)")
    }
    #expect(box.shmFileNames() == [Array("keep".utf8)])
    let all = try box.run(["clean", "--prefix", "/", "--all"])
    #expect(all.status == 0 && all.lines.last == "removed 1, kept 0 in use, failed 0", "\(all)")
  }

  @Test func unusedAloneSaysToAddAll() throws {
    let box = try Sandbox()
    let run = try box.run(["clean", "--unused"])
    #expect(run.status == 2)
    #expect(run.stderr.contains("'--unused' narrows a selection") && run.stderr.contains("--all"), "\(run)")
  }

  /// A mapping keeps the object alive whether shared or private, with its descriptor closed.
  @Test func aPrivateMappingIsAUse() throws {
    let box = try Sandbox()
    box.segment(named: Array("private_map".utf8), size: 4096)
    let fd = open(box.shmDirectory + "/private_map", O_RDONLY)
    try #require(fd >= 0)
    let mapped = mmap(nil, 4096, PROT_READ, MAP_PRIVATE, fd, 0)
    close(fd)
    try #require(mapped != MAP_FAILED)
    defer { munmap(mapped, 4096) }
    let run = try box.run(["clean", "--prefix", "/private_map"])
    #expect(run.lines.first?.hasPrefix("kept     posix-shm:/private_map: in use by \(getpid()) (") == true, "\(run)")
    #expect(box.shmFileNames() == [Array("private_map".utf8)])
  }

  @Test func inspectWithAKindThatDoesNotHaveTheNameFails() throws {
    let box = try Sandbox()
    box.segment(named: Array("frames".utf8))
    let run = try box.run(["inspect", "/frames", "--kind", "mq"])
    #expect(run.status == 1, "\(run)")
    #expect(run.stdout == "" && run.stderr == "ipctool: inspect /frames: no such object\n", "\(run)")
  }

  /// Queues that cannot be listed (no mqueue filesystem, not root) fail the clean.
  @Test(.otherUsersCanRunTheTool) func queuesThatCannotBeReadAreAFailure() throws {
    let box = try Sandbox(mountMqueue: false)
    let run = try box.run(["clean", "--kind", "posix-mq", "--force"], as: 65534)
    #expect(run.status == 1, "\(run)")
    #expect(run.stderr.contains("posix-mq: the mqueue filesystem is not mounted"), "\(run)")
  }

  /// /dev/shm missing (a minimal container): said once; a failure for clean, a note for list.
  @Test func aMissingShmDirectoryIsSaidAndFailsClean() throws {
    let box = try Sandbox()
    let missing = ["IPCTOOL_SHM": "/nonexistent"]
    let line = "ipctool: posix-shm, posix-sem: /nonexistent: No such file or directory; POSIX shared"
      + " memory and semaphores cannot be listed\n"
    let clean = try box.run(["clean", "--prefix", "/pi_"], environment: missing)
    #expect(clean.status == 1 && clean.stderr == line, "\(clean)")
    let list = try box.run(["list"], environment: missing)
    #expect(list.status == 0 && list.stderr == line, "\(list)")
  }
}
