import Foundation
import TestSupport
import Testing

/// clean --all, again and again, beside pi runs that use System V queues, segments and sets.
@Suite(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"))
struct CleanSoakTests {
  /// For 20 s, eight `pi --ipc sysv` runs at a time while `clean --all` runs in a loop. What a
  /// live process uses (attached, waited on, last used by a live pid, or made in the last 5 s
  /// and not used yet) is never removed: every run must succeed and verify its cleanup. A lost
  /// object is a failure, whatever its message. `Benchmarks/soak.sh` runs the same for longer.
  @Test func cleanBesidePiRunsRemovesNothingInUse() throws {
    let box = try Sandbox()
    let deadline = Date().addingTimeInterval(20)
    var running: [RunningProgram] = []
    var results: [ToolRun] = []
    var cleans = 0
    func startPi() throws -> RunningProgram {
      try box.start(["pi", "--ipc", "sysv", "--terms", "2000000", "--workers", "3", "--slices", "30", "--json"])
    }
    while Date() < deadline {
      while running.count < 8 { running.append(try startPi()) }
      let clean = try box.run(["clean", "--all"])
      #expect([0, 1].contains(clean.status) && !clean.signaled, "\(clean)")
      cleans += 1
      let (ended, live) = running.reduce(into: ([RunningProgram](), [RunningProgram]())) {
        if $1.process.isRunning { $0.1.append($1) } else { $0.0.append($1) }
      }
      results += ended.map { $0.finish() }
      running = live
    }
    results += running.map { $0.finish(timeout: 60) }
    let failures = results.filter { $0.status != 0 || $0.signaled }
    for run in results {
      #expect(run.status == 0 && !run.signaled, "a pi run failed beside clean: \(run)")
      #expect(run.stdout.contains("\"cleanup_verified\": true"), "\(run)")
    }
    #expect(try box.run(["list", "--json"]).objects().isEmpty, "the runs left something")
    #expect(!results.isEmpty && cleans > 0)
    print("soak: \(results.count) pi runs, \(failures.count) failed, \(cleans) cleans")
  }
}
