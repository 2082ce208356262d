import Foundation
import TestSupport
import Testing

/// `post` and `wait` against a process that waits or posts (QueuePeer: Python through the C
/// library), on a POSIX semaphore and one semaphore of a System V set, in a private namespace.
@Suite(
  .enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"),
  .enabled(if: QueuePeer.available, "needs python3 for the peer program"))
struct SemaphoreStepTests {
  /// The peer started in the namespace, running until it prints its line.
  static func peer(_ box: Sandbox, _ arguments: [String]) throws -> RunningProgram {
    try RunningProgram(
      "/usr/bin/nsenter",
      ["--target", String(box.pid), "--ipc", "--mount", "--", "python3", "-c", QueuePeer.script] + arguments)
  }

  @Test func postWakesAPosixWaiterAndWaitIsWokenByAPost() throws {
    let box = try Sandbox()
    let name = box.name("s")
    _ = try box.run(["create", "posix-sem", name])
    let waiter = try Self.peer(box, ["sem-wait", name])
    let post = try box.run(["post", name])
    #expect(post.status == 0 && post.stdout.hasPrefix("posix-sem:\(name): 0 -> "), "\(post)")
    let woke = waiter.finish(timeout: 60)
    #expect(woke.stdout == "woke\n", "\(woke)")

    let waiting = try RunningProgram(
      "/usr/bin/nsenter", ["--target", String(box.pid), "--ipc", "--mount", "--", toolPath, "wait", name])
    _ = try QueuePeer.run(box, ["sem-post", name])
    let run = waiting.finish(timeout: 60)
    #expect(run.status == 0 && run.stdout.hasSuffix(" -> 0\n"), "\(run)")
  }

  @Test func oneSemaphoreOfASysVSetIsPostedAndTaken() throws {
    let box = try Sandbox()
    let reference = try box.run(["create", "sysv-sem", "--count", "3"]).stdout
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let id = String(try #require(reference.split(separator: ":").last))
    let waiter = try Self.peer(box, ["semop", id, "2", "-1"])
    #expect(try box.run(["post", reference, "--index", "2"]).status == 0)
    #expect(waiter.finish(timeout: 60).stdout == "woke\n")
    #expect(try box.run(["post", reference, "--index", "1"]).stdout == "\(reference) [1]: 0 -> 1\n")
    #expect(try QueuePeer.run(box, ["sem-value", id, "1"]) == ["1"])
    #expect(try box.run(["wait", reference, "--index", "1"]).stdout == "\(reference) [1]: 1 -> 0\n")
    #expect(try QueuePeer.run(box, ["sem-value", id, "1"]) == ["0"])
    let past = try box.run(["wait", reference, "--index", "3"])
    #expect(past.status == 1)
    #expect(past.stderr == "ipctool: wait \(reference): no semaphore of that index: the set has 3\n")
  }

  @Test func aWaitOnZeroTimesOutOrStopsAndTakesNothing() throws {
    let box = try Sandbox()
    let name = box.name("s")
    _ = try box.run(["create", "posix-sem", name])
    let timed = try box.run(["wait", name, "--timeout", "50ms"])
    #expect(timed.status == 1)
    #expect(timed.stderr == "ipctool: wait posix-sem:\(name): timed out after 0.05s: the value stayed 0\n")
    let nonblock = try box.run(["wait", name, "--nonblock"])
    #expect(nonblock.status == 1 && nonblock.stderr == "ipctool: wait posix-sem:\(name): the value is 0\n")

    let program = try RunningProgram(
      "/usr/bin/nsenter", ["--target", String(box.pid), "--ipc", "--mount", "--", toolPath, "wait", name])
    var ended: ToolRun?
    defer { if ended == nil { program.stop() } }  // finish may be called once only
    try #require(waitUntil { signalCaught(SIGINT, by: program.pid) })
    kill(program.pid, SIGINT)
    let run = program.finish(timeout: 60)
    ended = run
    #expect(run.status == 130 && !run.signaled, "\(run)")
    #expect(try box.run(["post", name]).stdout == "posix-sem:\(name): 0 -> 1\n", "nothing was taken")
  }

  @Test func aReferenceToNoSemaphoreIsRefused() throws {
    let box = try Sandbox()
    let typed = try box.run(["post", "sysv-shm:0"])
    #expect(typed.status == 2 && typed.stderr.hasPrefix("ipctool: sysv-shm:0 is a sysv-shm, not a semaphore"))
    let name = box.name("q")
    _ = try box.run(["create", "posix-mq", name])
    let found = try box.run(["wait", name])
    #expect(found.status == 1 && found.stderr == "ipctool: wait \(name): a posix-mq, not a semaphore\n")
  }
}

/// Whether `pid` has a handler for `signal` (its SigCgt mask in /proc): set once ipctool has
/// begun a wait that a signal should end.
func signalCaught(_ signal: Int32, by pid: pid_t) -> Bool {
  let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
  guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigCgt:") }),
    let mask = UInt64(line.dropFirst(7).trimmingCharacters(in: .whitespaces), radix: 16)
  else { return false }
  return mask & (1 << (signal - 1)) != 0
}
