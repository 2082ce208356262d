import Foundation
import TestSupport
import Testing

/// clean --all, again and again, beside pi runs that use System V queues, segments and sets.
@Suite(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"))
struct CleanSoakTests {
  /// For 60 s, eight `pi --ipc sysv` runs at a time while `clean --all` runs in a loop. What a
  /// live process uses (attached, waited on, last used by a live pid) is never removed; a run
  /// may still lose a queue or segment in the instant between its creation and its first use
  /// (the kernel records nothing then), and then it must fail with one line, not hang, and
  /// leave nothing. The counts are printed for the record.
  @Test func cleanBesidePiRunsRemovesNothingInUse() throws {
    let box = try Sandbox()
    let deadline = Date().addingTimeInterval(60)
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
    let failures = results.filter { $0.status != 0 }
    for run in results {
      #expect(!run.signaled, "a run hung or crashed: \(run)")
      if run.status == 0 {
        #expect(run.stdout.contains("\"cleanup_verified\": true"), "\(run)")
      } else {
        #expect(run.status == 1 && run.stderr.split(separator: "\n").count == 1, "\(run)")
      }
    }
    #expect(try box.run(["list", "--json"]).objects().isEmpty, "the runs left something")
    let reasons = Dictionary(grouping: failures) { run in
      run.stderr.replacing(/[0-9]+/, with: "N").trimmingCharacters(in: .whitespacesAndNewlines)
    }.map { "\($0.value.count) x \($0.key)" }.sorted()
    print("soak: \(results.count) pi runs, \(failures.count) failed, \(cleans) cleans; \(reasons)")
  }
}
