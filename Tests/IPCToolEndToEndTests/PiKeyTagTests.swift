import Foundation
import TestSupport
import Testing

/// A pi run's System V objects carry the key 0x69000000 + PID, and `--prefix /ipctool-pi-`
/// finds them by it; but every `ftok(path, 'i')` key has 0x69 in its top byte too. Only an
/// object the kernel shows made by the pid in its key answers to the prefix (#22 item 9).
@Suite(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"))
struct PiKeyTagTests {
  @Test func anApplicationsKeyWithTheTopByte0x69IsNotAPiRun() throws {
    let box = try Sandbox()
    // Key pid 1: no process of the test makes it (the sandbox has no pid namespace of its own).
    for kind in ["sysv-mq", "sysv-shm", "sysv-sem"] {
      let made = try box.run(["create", kind, "--key", "0x69000001"] + (kind == "sysv-shm" ? ["--size", "1K"] : kind == "sysv-sem" ? ["--count", "2", "--value", "1"] : []))
      try #require(made.status == 0, "\(made)")
    }
    let listed = try box.run(["list", "--json", "--prefix", "/ipctool-pi-"]).objects()
    #expect(listed.isEmpty, "\(listed)")
    let clean = try box.run(["clean", "--prefix", "/ipctool-pi-", "--force"])
    #expect(clean.lines.last == "removed 0, kept 0 in use, failed 0", "\(clean)")
    #expect(try box.run(["list", "--json", "--kind", "sysv"]).objects().count == 3)
  }
}
