import CIPCShims
import Foundation
import TestSupport
import Testing

/// Hostile input, hostile state, concurrency and faults: ipctool ends cleanly or says why.
@Suite(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"))
struct ReliabilityTests {
  /// A small deterministic generator, so a failing vector can be replayed from its seed.
  struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
  }

  static func randomArguments(_ random: inout SplitMix) -> [String] {
    let commands = ["list", "inspect", "create", "unlink", "rm", "clean", "limits", "help", "completions", "lst", ""]
    let words = [
      "--kind", "-k", "--prefix", "--owner", "--json", "--bytes", "-n", "--output", "--users",
      "--size", "--value", "--count", "--key", "--mode", "--max-messages", "--message-size",
      "--dry-run", "--force", "--all", "--unused", "--older-than", "--", "-", "-bnJ", "--kind=",
      "posix-shm", "sysv-sem", "posix-mq", "sysv", "all", "bogus", "/", "/x", "/a/b", "x",
      "sysv-shm:0", "sysv-mq:0x0", "sysv-sem:-1", "posix-sem:/x", "sysv-shm:99999999999",
      "0", "-5", "18446744073709551616", "4K", "1E", "16E", "0x", "0xffffffff", "0777", "999",
      "/sem.x", "/" + String(repeating: "n", count: 300), "/name\nwith newline", "/ünïcödé",
      "/\u{1}\u{2}\u{7f}", "30s", "7d", "-1d", "root", "nobody", "65534", "ref,users", "ref,,x",
      String(decoding: (1...40).map { UInt8($0 * 6 % 255 + 1) }, as: UTF8.self),
    ]
    var arguments = [random.pick(commands)].filter { !$0.isEmpty }
    for _ in 0..<Int(random.next() % 6) { arguments.append(random.pick(words)) }
    return arguments
  }

  @Test func thousandsOfHostileArgumentVectorsEndWithAStatusAndAMessage() throws {
    let box = try Sandbox()
    var random = SplitMix(state: 20_261_128)
    // One shell loop runs them all in the namespace: exit status and stderr line count each.
    let vectors = (0..<1500).map { _ in Self.randomArguments(&random) }
    let scratch = try TemporaryDirectory()
    var script = "t=\(toolPath); err=\(scratch.path)/err\n"
    for arguments in vectors {
      let quoted = arguments.map { "'" + $0.replacing("'", with: "'\\''") + "'" }.joined(separator: " ")
      script += "timeout -s KILL 10 $t \(quoted) >/dev/null 2>$err; s=$?; printf '%s %s\\n' $s $(wc -l <$err)\n"
    }
    try script.write(toFile: scratch.path + "/vectors.sh", atomically: true, encoding: .utf8)
    let run = try box.runInside(["/bin/sh", scratch.path + "/vectors.sh"], timeout: 600)
    let results = run.stdout.split(separator: "\n")
    try #require(results.count == vectors.count, "\(run.stderr)")
    for (arguments, result) in zip(vectors, results) {
      let fields = result.split(separator: " ")
      let status = Int(fields[0]) ?? -1
      #expect([0, 1, 2].contains(status), "\(arguments) ended with \(status)")
      if status != 0 { #expect(Int(fields[1]) ?? 0 >= 1, "\(arguments): no message") }
      if status == 2 { #expect(Int(fields[1]) == 1, "\(arguments): a usage error is one line") }
    }
  }

  @Test func oddQueueFilesAndThirtyTwoThousandSystemVObjectsStillList() throws {
    let box = try Sandbox()
    let ids = box.inIPCNamespace { () -> Int in
      var made = 0
      for _ in 0..<32_000 where semget(IPC_PRIVATE, 1, IPC_CREAT | 0o600) >= 0 { made += 1 }
      return made
    }
    try #require(ids == 32_000)
    let fixture = try TemporaryDirectory()
    try "not a status line".write(toFile: fixture.path + "/weird", atomically: true, encoding: .utf8)
    try FileManager.default.createDirectory(atPath: fixture.path + "/dir", withIntermediateDirectories: true)
    let run = try box.run(["list", "--json"], environment: ["IPCTOOL_MQUEUE": fixture.path])
    #expect(run.status == 0 && run.stderr == "")
    let objects = try run.objects()
    #expect(objects.filter { $0["kind"] as? String == "sysv-sem" }.count == 32_000)
    #expect(objects.contains { $0["ref"] as? String == "posix-mq:/weird" && $0["messages"] is NSNull })
  }

  @Test func piRunsCleansAndListsAtOnceDoNotDisturbEachOther() throws {
    let box = try Sandbox()
    let pis = try (0..<8).map { _ in
      try box.start(["pi", "--terms", "3000000", "--slices", "200", "--workers", "3"])
    }
    var loops = 0
    while pis.contains(where: { $0.process.isRunning }) && loops < 400 {
      let clean = try box.run(["clean", "--prefix", "/ipctool-pi-"])
      #expect(clean.status == 0, "\(clean)")
      #expect(try box.run(["list", "--json"]).status == 0)
      loops += 1
    }
    for pi in pis {
      let run = pi.finish()
      #expect(run.status == 0, "\(run)")
      #expect(run.stdout.contains("cleanup verified"))
    }
    #expect(try box.run(["list", "--json"]).objects().isEmpty)
  }

  /// create builds a segment nameless and links it last: a kill while the file is being filled
  /// leaves nothing. The test kills it once it holds its nameless file in /dev/shm, and goes on
  /// until it has seen that happen three times, so it proves the case it is named after.
  @Test func killingCreateMidwayNeverLeavesAHalfMadeSegment() throws {
    let box = try Sandbox()
    let size = 48 << 20
    var interrupted = 0
    for attempt in 0..<60 where interrupted < 3 {
      let create = try box.start(["create", "posix-shm", "/big", "--size", String(size)])
      let making = waitUntil(timeout: 10, every: 0.0001) {
        openFiles(create.pid).contains { $0.hasPrefix("/dev/shm/") }
      }
      kill(create.pid, SIGKILL)
      _ = create.finish()
      let objects = try box.run(["list", "--json"]).objects()
      // Either nothing, or the whole segment: never a name with the wrong size.
      #expect(objects.allSatisfy { $0["size"] as? Int == size }, "attempt \(attempt): \(objects)")
      if making && objects.isEmpty { interrupted += 1 }
      _ = try box.run(["unlink", "/big"])
    }
    #expect(interrupted == 3, "the kill never landed while the segment was being made")
    #expect(try FileManager.default.contentsOfDirectory(atPath: box.shmDirectory).isEmpty)
  }

  /// A kill between two removals leaves each object removed or untouched. The test kills clean
  /// once it has removed some, and refills and tries again until the kill lands with objects
  /// left over, so it proves the case it is named after.
  @Test func killingCleanMidwayLeavesEveryRemainingObjectWhole() throws {
    let box = try Sandbox()
    let total = 3000
    var left: Int?
    for _ in 0..<20 where left == nil {
      for index in 0..<total where access(box.shmDirectory + "/left_\(index)", F_OK) != 0 {
        box.plainPosixSegment("/left_\(index)", size: 4096)
      }
      let clean = try box.start(["clean", "--prefix", "/left_"])
      waitUntil(timeout: 10, every: 0.0001) { (entryCount(box.shmDirectory) ?? total) < total }
      kill(clean.pid, SIGKILL)
      _ = clean.finish()
      let remaining = entryCount(box.shmDirectory) ?? 0
      if remaining > 0 && remaining < total { left = remaining }
    }
    let remaining = try #require(left, "the kill never landed while clean was removing")
    let objects = try box.run(["list", "--json"]).objects()
    #expect(objects.count == remaining)
    #expect(objects.allSatisfy { $0["size"] as? Int == 4096 })  // removed or untouched, nothing between
    let rest = try box.run(["clean", "--prefix", "/left_"])
    #expect(rest.lines.last == "removed \(remaining), kept 0 in use, failed 0")
  }

  /// A closed stdout (`>&-`) is something a user does, not a bug: no crash, whatever is said.
  @Test func aClosedStdoutEndsWithAStatusNotASignal() throws {
    let box = try Sandbox()
    for arguments in ["--version", "list", "list --json", "limits", "help clean"] {
      let run = try box.runInside(["/bin/sh", "-c", "\"$0\" \(arguments) >&-; echo $?", toolPath])
      let status = Int(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
      #expect((0...2).contains(status), "\(arguments): \(run)")
    }
  }

  @Test(.otherUsersCanRunTheTool) func anUnprivilegedUserSeesRootObjectsButChangesNothing() throws {
    let box = try Sandbox()
    for arguments in [
      ["create", "posix-mq", "/q"], ["create", "posix-shm", "/s", "--size", "1"],
      ["create", "posix-sem", "/m"], ["create", "sysv-mq"], ["create", "sysv-shm", "--size", "1"],
      ["create", "sysv-sem", "--count", "1"],
    ] { try #require(try box.run(arguments).status == 0) }
    let before = try box.run(["list", "--json"]).stdout
    let seen = try box.run(["list", "--json"], as: 65534).objects()
    #expect(seen.count == 6)
    for ref in ["posix-mq:/q", "posix-shm:/s", "posix-sem:/m", "sysv-mq:0", "sysv-shm:0", "sysv-sem:0"] {
      // Shown as ipcs -i shows it, with what needs read permission left out and said so.
      let inspect = try box.run(["inspect", ref], as: 65534)
      #expect(inspect.status == 0 && inspect.stdout.hasPrefix(ref + "\n"), "\(inspect)")
      #expect(inspect.lines.contains { $0.hasPrefix("  readable") && $0.hasSuffix("no: what needs read permission is not shown") }, "\(inspect)")
      let unlink = try box.run(["unlink", ref], as: 65534)
      #expect(unlink.status == 1 && unlink.stderr == "ipctool: unlink \(ref): Permission denied\n", "\(unlink)")
      let clean = try box.run(["clean", ref, "--force"], as: 65534)
      #expect(clean.status == 1 && clean.stdout.contains("failed   \(ref): Permission denied"), "\(clean)")
    }
    let after = try box.run(["list", "--json"]).stdout
    #expect(after == before, "before:\n\(before)after:\n\(after)")
  }
}
