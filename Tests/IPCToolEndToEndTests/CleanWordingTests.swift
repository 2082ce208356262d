import Foundation
import IPCKit
import TestSupport
import Testing

/// clean's words say what happened: a change by semctl is no semop, a dead last user is no
/// user, each reason to keep counts apart, a kept line is as short as list's cell, and the
/// summary says what the exit status says (issue #23 item 4, #24 item 3).
@Suite(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"))
struct CleanWordingTests {
  func python(_ box: Sandbox, _ program: String) throws -> RunningProgram {
    try RunningProgram(
      "/usr/bin/nsenter", ["--target", String(box.pid), "--ipc", "--mount", "--", "python3", "-c", program])
  }

  @Test func eachReasonToKeepIsCountedApartAndSaidAsItIs() throws {
    let box = try Sandbox()
    // Values set by SETALL from this live process: the pid is a change's, not a semop's.
    let changed = box.plainSysVSemaphores(values: [1])
    let fresh = box.inIPCNamespace { msgget(IPC_PRIVATE, IPC_CREAT | 0o600) }
    box.plainPosixQueue(box.name("jobs"), maxMessages: 2, messageSize: 8, messages: ["x"])
    let run = try box.run(["clean", "--all"])
    #expect(run.lines.contains(
      "kept     sysv-sem:\(changed): in use: last changed by \(getpid()) (\(shownCommand(getpid()) ?? "?"))"
        + " (semctl SETVAL or SETALL; no semop yet)"), "\(run)")
    #expect(run.lines.contains { $0.hasPrefix("kept     sysv-mq:\(fresh): new: created ") }, "\(run)")
    #expect(run.lines.last == "removed 0, kept 1 in use, 1 new, 1 holding messages, failed 0", "\(run)")
    #expect(run.status == 0)
  }

  // A set whose last user has ended is "recently used" for 5 s: a clock's matter, decided
  // with a fixed one (CleanRulesTests.aSetIsKeptByWaitersAndRecentUse) and worded without one
  // (WordingTests.recentlyUsedIsSaidAndCountedApart).

  @Test func aKeptLineNamesTheFirstOfManyUsersAndJSONNamesAll() throws {
    let box = try Sandbox()
    let name = box.name("busy")
    box.plainPosixSegment(name, size: 64)
    let holders = try (0..<4).map { _ in
      try RunningProgram(
        "/usr/bin/nsenter",
        ["--target", String(box.pid), "--ipc", "--mount", "--", "/bin/sh", "-c", "exec sleep 60 < /dev/shm\(name)"])
    }
    defer { holders.forEach { $0.stop() } }
    let pids = Set(holders.map(\.pid))
    try #require(waitUntil {
      (try? box.run(["list", "--users", "--prefix", name, "-o", "users", "--no-headings"]))?.stdout.contains("+3") == true
    })
    let run = try box.run(["clean", "--prefix", name])
    let line = try #require(run.lines.first, "\(run)")
    #expect(line.hasPrefix("kept     posix-shm:\(name): in use by ") && line.hasSuffix(" (sleep 60) +3"), "\(run)")
    let json = try box.run(["clean", "--prefix", name, "--json"])
    let items = try #require(
      (try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])?["objects"] as? [[String: Any]])
    let users = try #require(items.first?["users"] as? [[String: Any]])
    #expect(Set(users.compactMap { ($0["pid"] as? Int).map(pid_t.init) }) == pids, "\(json)")
  }

  @Test func theSummarySaysWhatTheExitStatusSays() throws {
    let box = try Sandbox()
    let missing = ["IPCTOOL_SHM": "/nonexistent"]
    let run = try box.run(["clean", "--prefix", "/pi_"], environment: missing)
    #expect(run.status == 1 && run.lines.last == "removed 0, kept 0 in use, failed 0, 2 kinds not read", "\(run)")
    let json = try box.run(["clean", "--prefix", "/pi_", "--json"], environment: missing)
    let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    #expect(json.status == 1 && document["kinds_not_read"] as? Int == 2, "\(json)")
  }
}
