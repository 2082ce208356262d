import Foundation
import TestSupport
import Testing

/// A program may hold an object without mapping it or holding it open (PostgreSQL does; so may
/// any program that maps on demand). A clean whose selectors name no object keeps an unused
/// object while its owner still runs processes in the namespace, as systemd-logind's RemoveIPC
/// waits for a user's last process; a name or prefix, or --force, still removes it.
@Suite(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"))
struct CleanOwnerGuardTests {
  static let nobody: uid_t = 65534

  /// A process of `nobody` inside the sandbox (or, with `inside: false`, in the machine's
  /// namespaces).
  func sleeper(_ box: Sandbox, inside: Bool) throws -> RunningProgram {
    let asNobody = ["--setuid", String(Self.nobody), "--setgid", String(Self.nobody), "--wd=/"]
    return inside
      ? try RunningProgram(
        "/usr/bin/nsenter", ["--target", String(box.pid), "--ipc", "--mount"] + asNobody + ["--", "/bin/sleep", "60"])
      : try RunningProgram(
        "/usr/bin/setpriv", ["--reuid", String(Self.nobody), "--regid", String(Self.nobody), "--clear-groups", "/bin/sleep", "60"])
  }

  @Test func anOwnerWithLiveProcessesKeepsItsObjectsFromBroadSelectors() throws {
    let box = try Sandbox()
    let name = box.name("owned")
    box.segment(named: Array(name.dropFirst().utf8), owner: Self.nobody)
    let elsewhere = try sleeper(box, inside: false)
    defer { elsewhere.stop() }
    let here = try sleeper(box, inside: true)
    try #require(waitUntil { (try? String(contentsOfFile: "/proc/\(here.pid)/comm", encoding: .utf8)) == "sleep\n" })

    // One live process here (the one elsewhere is another namespace's, and does not count).
    for selector in [["--all"], ["--owner", "nobody"], ["--kind", "posix-shm"], ["--older-than", "0s"]] {
      let run = try box.run(["clean"] + selector)
      #expect(run.lines == [
        "kept     posix-shm:\(name): owner nobody has 1 live process here; one may hold it without"
          + " mapping it (--force removes it)",
        "removed 0, kept 0 in use, 1 of owners still running, failed 0",
      ], "\(selector): \(run)")
    }
    #expect(box.shmFileNames() == [Array(name.dropFirst().utf8)])
    // Named, it goes: the caller said which object.
    #expect(try box.run(["clean", "--prefix", name]).lines.first == "removed  posix-shm:\(name)")

    box.segment(named: Array(name.dropFirst().utf8), owner: Self.nobody)
    #expect(try box.run(["clean", "--all", "--force"]).lines.first == "removed  posix-shm:\(name)")

    // Once the owner's last process here has ended, a broad clean takes it.
    box.segment(named: Array(name.dropFirst().utf8), owner: Self.nobody)
    here.stop()
    #expect(try box.run(["clean", "--all"]).lines.first == "removed  posix-shm:\(name)")
    #expect(box.shmFileNames().isEmpty)
  }
}
