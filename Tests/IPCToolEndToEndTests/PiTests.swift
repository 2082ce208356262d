import Foundation
import TestSupport
import Testing

/// `ipctool pi` over every mechanism: the right value, and nothing left behind.
@Suite(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"))
struct PiTests {
  static let mechanisms = ["pipe", "socketpair", "posix-mq", "sysv-mq", "posix-shm", "sysv-shm"]

  /// pi from the same slicing, summed here, independently of ipctool's code.
  static func expectedPi(terms: Int, slices: Int) -> Double {
    var total = 0.0
    for slice in 0..<slices {
      let start = slice * (terms / slices)
      let end = slice == slices - 1 ? terms : start + terms / slices
      var sum = 0.0
      for k in start..<end { sum += 1.0 / (Double(2 * k + 1) * Double(2 * k + 1)) }
      total += sum
    }
    return (8 * total).squareRoot()
  }

  @Test func defaultRunPrintsTheKnownValueForEveryMechanism() throws {
    let box = try Sandbox()
    let run = try box.run(["pi"])
    #expect(run.status == 0, "\(run)")
    let rows = run.lines.dropFirst().prefix(6)
    #expect(rows.map { $0.split(separator: " ").first.map(String.init) } == Self.mechanisms)
    for row in rows {
      #expect(row.contains(" 3.14159262176 "), "\(row)")
      #expect(row.hasSuffix(" 0"), "nothing left: \(row)")
    }
    #expect(run.lines.last == "cleanup verified: no object, descriptor or process left")
    #expect(try box.run(["list", "--json"]).objects().isEmpty)
  }

  @Test(arguments: [
    (1_000_003, 7, 3),  // terms not divisible by slices
    (5, 10, 4),  // fewer terms than slices
    (100_000, 10, 1),  // one worker
    (200_000, 40, 16),  // more workers than cores
    (50_000, 3000, 6),  // more slices than a POSIX queue holds (msg_max 10)
  ])
  func oddSizesGiveTheReferenceValueOverEveryMechanism(terms: Int, slices: Int, workers: Int) throws {
    let box = try Sandbox()
    let run = try box.run([
      "pi", "--json", "--terms", String(terms), "--slices", String(slices), "--workers", String(workers),
    ])
    #expect(run.status == 0, "\(run)")
    let document = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
    #expect(document?["cleanup_verified"] as? Bool == true)
    let runs = try #require(document?["runs"] as? [[String: Any]])
    #expect(runs.map { $0["mechanism"] as? String } == Self.mechanisms)
    let expected = Self.expectedPi(terms: terms, slices: slices)
    // Slices are added exactly, so every mechanism delivers the same bits, whatever the order.
    #expect(Set(runs.compactMap { $0["sum"] as? Double }).count == 1, "\(runs)")
    for result in runs {
      #expect(result["value_verified"] as? Bool == true, "\(result)")
      let pi = try #require(result["pi"] as? Double)
      #expect(abs(pi - expected) / expected <= 1e-12, "\(result)")
      #expect(result["objects_left"] as? Int == 0 && result["descriptors_left"] as? Int == 0)
      #expect(result["processes_left"] as? Int == 0)
    }
    #expect(try box.run(["list", "--json"]).objects().isEmpty)
  }

  @Test func familyNamesSelectSeveralMechanisms() throws {
    let box = try Sandbox()
    let run = try box.run(["pi", "--ipc", "sysv", "--ipc", "pipe", "--terms", "1000"])
    #expect(run.status == 0, "\(run)")
    // A header, one row per mechanism (families expanded in order, each once), the note on
    // MSG/S, the verdict.
    #expect(run.lines.count == 6, "\(run)")
    #expect(run.lines.dropFirst().prefix(3).map { $0.split(separator: " ").first.map(String.init) }
      == ["sysv-mq", "sysv-shm", "pipe"])
    let bad = try box.run(["pi", "--ipc", "pipes"])
    #expect(bad.status == 2 && bad.stderr.contains("did you mean 'pipe'?"))
    // The value is always checked: it costs nothing now, so there is no way to skip it.
    let checked = try box.run(["pi", "--ipc", "pipe", "--terms", "1000", "--json"])
    #expect(checked.stdout.hasPrefix("{\"cleanup_verified\": true, \"value_verified\": true"), "\(checked)")
    #expect(try box.run(["pi", "--no-reference"]).status == 2)
    #expect(try box.run(["pi", "--workers", "0"]).status == 2)
    #expect(try box.run(["pi", "--terms", "-3"]).status == 2)
  }

  /// `shm` and `mq` are groups here as for kinds everywhere else; `-t` is `--target` in every
  /// other command, so pi gives it no other meaning.
  @Test func groupWordsAndShortOptionsMeanWhatTheyMeanElsewhere() throws {
    let box = try Sandbox()
    let shm = try box.run(["pi", "--ipc", "shm", "--terms", "1000"])
    #expect(shm.status == 0, "\(shm)")
    #expect(shm.lines.dropFirst().prefix(2).map { $0.split(separator: " ").first.map(String.init) }
      == ["posix-shm", "sysv-shm"], "\(shm)")
    let mq = try box.run(["pi", "--ipc", "mq", "--terms", "1000"])
    #expect(mq.lines.dropFirst().prefix(2).map { $0.split(separator: " ").first.map(String.init) }
      == ["posix-mq", "sysv-mq"], "\(mq)")
    let sem = try box.run(["pi", "--ipc", "sem"])
    #expect(sem.status == 2 && sem.stderr.contains("--ipc shm"), "\(sem)")
    let short = try box.run(["pi", "-t", "1000"])
    #expect(short.status == 2 && short.stderr.hasPrefix("ipctool: unknown option '-t'"), "\(short)")
  }

  /// Ten messages in a run that is all arithmetic make no rate: the default run shows none and
  /// says how to measure one; with many slices the rate is shown.
  @Test func messageRatesOnlyWhereTheyMeasureIPC() throws {
    let box = try Sandbox()
    let run = try box.run(["pi", "--ipc", "pipe", "--terms", "1000"])
    let header = try #require(run.lines.first?.split(separator: " ").map(String.init))
    let rate = try #require(header.firstIndex(of: "MSG/S"))
    #expect(run.lines[1].split(separator: " ")[rate] == "-", "\(run)")
    #expect(run.stdout.contains("--slices 100000"), "\(run)")
    let many = try box.run(["pi", "--ipc", "pipe", "--terms", "100000", "--slices", "1000"])
    #expect(Int(many.lines[1].split(separator: " ")[rate]) ?? 0 > 0, "\(many)")
    #expect(!many.stdout.contains("MSG/S:"), "\(many)")
  }

  @Test(arguments: ["pipe", "posix-mq", "sysv-mq", "posix-shm", "sysv-shm", "socketpair"])
  func aKilledWorkerStopsTheRunAndLeavesNothing(mechanism: String) throws {
    let box = try Sandbox()
    let running = try box.start(["pi", "--ipc", mechanism, "--terms", "4000000000", "--workers", "4"])
    // The cleanup helper first, where the mechanism makes objects that outlive processes.
    let helped = !["pipe", "socketpair"].contains(mechanism)
    let children = running.children(atLeast: helped ? 5 : 4)
    try #require(children.count == (helped ? 5 : 4))
    let workers = Array(children.dropFirst(helped ? 1 : 0))
    kill(workers[2], SIGKILL)
    let run = running.finish()
    #expect(run.status == 1, "\(run)")
    #expect(run.stderr.contains("pid \(workers[2])) was killed by signal 9"), "\(run)")
    #expect(run.stderr.split(separator: "\n").count == 1)
    for worker in workers { #expect(processGone(worker)) }
    #expect(try box.run(["list", "--json"]).objects().isEmpty)
  }

  @Test(arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143))])
  func aStopSignalRemovesEverythingAndExits128PlusSignal(signal: Int32, status: Int32) throws {
    let box = try Sandbox()
    let running = try box.start(["pi", "--ipc", "sysv-shm", "--terms", "4000000000", "--workers", "3"])
    let workers = running.children(atLeast: 4)  // the reaper and three workers
    try #require(workers.count == 4)
    kill(running.pid, signal)
    let run = running.finish()
    #expect(run.status == status, "\(run)")
    #expect(run.stderr.contains("everything it made was removed"))
    for worker in workers { #expect(processGone(worker)) }
    #expect(try box.run(["list", "--json"]).objects().isEmpty)
  }

  @Test(arguments: ["posix-shm", "sysv-mq", "sysv-shm", "posix-mq"])
  func aKilledParentTakesItsWorkersAndObjectsWithIt(mechanism: String) throws {
    let box = try Sandbox()
    let running = try box.start(["pi", "--ipc", mechanism, "--terms", "4000000000", "--workers", "3"])
    let children = running.children(atLeast: 4)  // the workers and the reaper
    try #require(children.count == 4)
    kill(running.pid, SIGKILL)
    _ = running.finish()
    for child in children { #expect(processGone(child)) }
    // The reaper removed what SIGKILL kept the parent from removing.
    #expect(try box.run(["list", "--json"]).objects().isEmpty)
  }
}
