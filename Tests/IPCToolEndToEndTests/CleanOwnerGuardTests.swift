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

  /// A broad clean of unattached System V segments (as of queues and sets) asks only how many
  /// processes the owner runs: it reads no process's maps or descriptors, on a busy host most
  /// of the scan's cost.
  @Test(
    .enabled(if: installed("strace"), "strace is not installed"),
    .enabled(if: installed("python3"), "python3 is not installed (it makes the segment)"))
  func aSystemVCleanReadsOnlyWhatItNeeds() throws {
    let box = try Sandbox()
    // Made by a process of nobody's that has ended: no creator alive, nobody attached.
    let made = try box.runInside(
      ["python3", "-c", "import ctypes; print(ctypes.CDLL(None).shmget(0, 4096, 0o1600))"], as: Self.nobody)
    let segment = try #require(Int32(made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "\(made)")
    let here = try sleeper(box, inside: true)
    defer { here.stop() }
    try #require(waitUntil { (try? String(contentsOfFile: "/proc/\(here.pid)/comm", encoding: .utf8)) == "sleep\n" })
    let folder = try TemporaryDirectory()
    let trace = folder.file("trace")
    let run = try box.runInside([
      "/usr/bin/strace", "-f", "-o", trace, "-e", "trace=open,openat,openat2", toolPath, "clean",
      "--kind", "sysv",
    ])
    #expect(run.lines.first?.hasPrefix("kept     sysv-shm:\(segment): owner nobody has 1 live process here") == true, "\(run)")
    // Other processes' files (the runtime reads /proc/self/maps as it starts).
    let opened = ((try? String(contentsOfFile: trace, encoding: .utf8))?.split(separator: "\n") ?? [])
      .filter { $0.contains("/proc/") && !$0.contains("/proc/self/") }
    #expect(opened.contains { $0.contains("/status\"") }, "the trace saw no scan: \(opened)")
    #expect(!opened.contains { $0.contains("/maps\"") || $0.contains("/fd\"") }, "\(opened)")
    #expect(try box.run(["clean", "--kind", "sysv", "--force"]).lines.first == "removed  sysv-shm:\(segment)")
  }
}
