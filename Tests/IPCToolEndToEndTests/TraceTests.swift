import Foundation
import TestSupport
import Testing

/// `ipctool trace` against real programs (Python's ctypes, posix_ipc and sysv_ipc) making,
/// opening and removing objects of all six kinds in a sandbox: each call seen once, with its
/// pid, name bytes, result and errno; its instance and uprobes gone after SIGINT, and removed by
/// the next run after SIGKILL. One test at a time: a trace that starts removes what a killed
/// one left, which another test may be looking at.
@Suite(.serialized, .enabled(if: Sandbox.isRoot && TraceRun.unavailableReason == nil,
  "\(TraceRun.unavailableReason ?? "needs root for a private IPC + mount namespace")"))
struct TraceTests {
  /// Runs `script` (Python, with P the sandbox's name prefix as bytes and GO the file it waits
  /// for before it exits, so its namespace and command line can still be read) in `box`.
  func python(_ box: Sandbox, _ script: String, _ go: String, extra: [String] = []) throws -> RunningProgram {
    let prelude = """
      import ctypes, os, sys, time
      c = ctypes.CDLL("libc.so.6", use_errno=True)
      c.sem_open.restype = ctypes.c_void_p
      c.shmat.restype = ctypes.c_void_p
      c.shmdt.argtypes = [ctypes.c_void_p]
      P = \(pythonBytes(box.prefix))
      GO = \(pythonBytes(go))
      O_CREAT, O_EXCL, O_RDWR = 0o100, 0o200, 2
      def wait():
          print("done", file=sys.stderr, flush=True)
          while not os.path.exists(GO):
              time.sleep(0.02)

      """
    return try RunningProgram(
      "/usr/bin/nsenter",
      ["--target", String(box.pid), "--ipc", "--mount", "--"] + extra + ["python3", "-c", prelude + script])
  }

  func pythonBytes(_ text: String) -> String {
    "b'" + text.utf8.map { String(format: "\\x%02x", $0) }.joined() + "'"
  }

  /// "call action result name" for each event, the name as its hex.
  func summary(_ events: [[String: Any]]) -> [String] {
    events.map { event in
      let result = (event["ok"] as? Bool) == true ? "ok" : (event["errno"] as? String ?? "failed")
      return [event["call"], event["action"], result, event["name_hex"] as? String ?? "-"]
        .map { "\($0 ?? "-")" }.joined(separator: " ")
    }
  }

  func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

  func namespaceInode(_ pid: pid_t) throws -> Int {
    var info = stat()
    try #require(stat("/proc/\(pid)/ns/ipc", &info) == 0)
    return Int(info.st_ino)
  }

  @Test func everyCallOfAllSixKindsIsSeenOnceWithItsNameResultAndErrno() throws {
    let box = try Sandbox()
    let folder = try TemporaryDirectory(shared: true)
    let go = folder.file("go")
    let trace = try TraceRun(box, ["--json"])
    let program = try python(box, """
      odd = P + b"-a\\nb\\xff"
      c.shm_open(odd, O_CREAT | O_EXCL | O_RDWR, 0o600)
      c.shm_open(odd, O_CREAT | O_EXCL | O_RDWR, 0o600)  # EEXIST
      c.shm_unlink(odd)
      c.sem_open(P + b"-sem", O_CREAT | O_EXCL, 0o600, 1)
      c.sem_unlink(P + b"-sem")
      c.mq_open(P + b"-q", O_CREAT | O_EXCL | O_RDWR, 0o600, None)
      c.mq_unlink(P + b"-q")
      shm = c.shmget(0, 4096, 0o1600)
      c.shmdt(c.shmat(shm, None, 0))
      c.shmctl(shm, 0, None)
      c.msgctl(c.msgget(0x5eed01, 0o3600), 0, None)
      c.semctl(c.semget(0, 1, 0o1600), 0, 0)
      c.shm_open(P + b"-locked", O_CREAT | O_EXCL | O_RDWR, 0o600)
      c.shmget(0x5eed02, 4096, 0o1600)
      os.setgid(65534)
      os.setuid(65534)
      c.shm_open(P + b"-locked", O_RDWR, 0)  # EACCES
      c.shmget(0x5eed02, 4096, 0o600)  # EACCES
      wait()
      """, go)
    defer {
      FileManager.default.createFile(atPath: go, contents: nil)
      _ = program.finish(timeout: 20)
    }
    let prefix = Array(box.prefix.utf8)
    let expected = [
      "shm_open create ok \(hex(prefix + Array("-a\nb".utf8) + [0xFF]))",
      "shm_open create EEXIST \(hex(prefix + Array("-a\nb".utf8) + [0xFF]))",
      "shm_unlink remove ok \(hex(prefix + Array("-a\nb".utf8) + [0xFF]))",
      "sem_open create ok \(hex(prefix + Array("-sem".utf8)))",
      "sem_unlink remove ok \(hex(prefix + Array("-sem".utf8)))",
      "mq_open create ok \(hex(prefix + Array("-q".utf8)))",
      "mq_unlink remove ok \(hex(prefix + Array("-q".utf8)))",
      "shmget create ok -", "shmat attach ok -", "shmdt detach ok -", "shmctl remove ok -",
      "msgget create ok -", "msgctl remove ok -", "semget create ok -", "semctl remove ok -",
      "shm_open create ok \(hex(prefix + Array("-locked".utf8)))",
      "shmget create ok -",
      "shm_open open EACCES \(hex(prefix + Array("-locked".utf8)))",
      "shmget open EACCES -",
    ]
    try #require(waitUntil(timeout: 30) { trace.events(of: program.pid).count >= expected.count },
      "\(summary(trace.events(of: program.pid))) \(trace.stderr)")
    let events = trace.events(of: program.pid)
    #expect(summary(events) == expected)
    let namespace = try namespaceInode(box.pid)
    #expect(events.allSatisfy { ($0["ipc_namespace"] as? Int) == namespace }, "\(events)")
    // The escaped reference, which typed back names the object.
    #expect(events.first?["ref"] as? String == "posix-shm:\(box.prefix)-a\\nb\\xff")
    // The segment's id: from shmget's result, to shmat's argument and shmdt's address.
    let ids = events[7...10].map { $0["id"] as? Int }
    #expect(Set(ids).count == 1 && ids[0] != nil, "\(ids)")
    #expect(events[11]["key"] as? Int == 0x5eed01)
    #expect(trace.interrupt() == 130)
    #expect(trace.complaints == "", "\(trace.stderr)")
  }

  @Test(.enabled(if: pythonModules, "python3 has no posix_ipc and sysv_ipc (pip install posix_ipc sysv_ipc)"))
  func posixIpcAndSysvIpcModulesAreTraced() throws {
    let box = try Sandbox()
    let folder = try TemporaryDirectory(shared: true)
    let go = folder.file("go")
    let trace = try TraceRun(box, ["--json"])
    let program = try python(box, """
      import posix_ipc, sysv_ipc
      name = P.decode()
      m = posix_ipc.SharedMemory(name + "-m", posix_ipc.O_CREX, size=4096)
      m.close_fd()
      m.unlink()
      s = posix_ipc.Semaphore(name + "-s", posix_ipc.O_CREX)
      s.unlink()
      s.close()
      q = posix_ipc.MessageQueue(name + "-q", posix_ipc.O_CREX)
      q.unlink()
      q.close()
      try:
          posix_ipc.SharedMemory(name + "-none")
      except posix_ipc.ExistentialError:
          pass
      sm = sysv_ipc.SharedMemory(None, sysv_ipc.IPC_CREX, size=4096)
      sm.detach()
      sm.remove()
      sysv_ipc.MessageQueue(None, sysv_ipc.IPC_CREX).remove()
      sysv_ipc.Semaphore(None, sysv_ipc.IPC_CREX).remove()
      wait()
      """, go)
    defer {
      FileManager.default.createFile(atPath: go, contents: nil)
      _ = program.finish(timeout: 20)
    }
    let prefix = Array(box.prefix.utf8)
    let expected = [
      "shm_open create ok \(hex(prefix + Array("-m".utf8)))",
      "shm_unlink remove ok \(hex(prefix + Array("-m".utf8)))",
      "sem_open create ok \(hex(prefix + Array("-s".utf8)))",
      "sem_unlink remove ok \(hex(prefix + Array("-s".utf8)))",
      "mq_open create ok \(hex(prefix + Array("-q".utf8)))",
      "mq_unlink remove ok \(hex(prefix + Array("-q".utf8)))",
      "shm_open open ENOENT \(hex(prefix + Array("-none".utf8)))",
      "shmget create ok -", "shmat attach ok -", "shmdt detach ok -", "shmctl remove ok -",
      "msgget create ok -", "msgctl remove ok -", "semget create ok -", "semctl remove ok -",
    ]
    try #require(waitUntil(timeout: 30) { program.outputSoFar.contains("done") }, "\(program.outputSoFar)")
    try #require(waitUntil(timeout: 30) { Set(summary(trace.events(of: program.pid))).isSuperset(of: expected) },
      "\(summary(trace.events(of: program.pid))) \(trace.stderr)")
    let seen = summary(trace.events(of: program.pid))
    for line in expected { #expect(seen.filter { $0 == line }.count == 1, "\(line) in \(seen)") }
    #expect(trace.interrupt() == 130)
  }

  static let pythonModules: Bool = {
    (try? runProgram("/bin/sh", ["-c", "python3 -c 'import posix_ipc, sysv_ipc'"]).status) == 0
  }()

  @Test func aCallerInAnotherNamespaceIsLabelledWithItAndSelectedByTarget() throws {
    let box = try Sandbox()
    let folder = try TemporaryDirectory(shared: true)
    let go = folder.file("go")
    let start = folder.file("start")
    // A namespace of its own inside the sandbox: a container's, as trace sees it.
    let program = try python(box, """
      print("ready", file=sys.stderr, flush=True)
      while not os.path.exists(\(pythonBytes(start))):
          time.sleep(0.02)
      c.shmctl(c.shmget(0x5eed03, 4096, 0o1600), 0, None)
      wait()
      """, go, extra: ["/usr/bin/unshare", "--ipc"])
    defer {
      FileManager.default.createFile(atPath: go, contents: nil)
      _ = program.finish(timeout: 20)
    }
    try #require(waitUntil { program.outputSoFar.contains("ready") }, "\(program.outputSoFar)")
    let everywhere = try TraceRun(box, ["--json", "-A", "--kind", "sysv-shm"])
    let targeted = try TraceRun(box, ["--json", "--target", String(program.pid)])
    let here = try TraceRun(box, ["--json", "--kind", "sysv-shm"])
    FileManager.default.createFile(atPath: start, contents: nil)
    try #require(waitUntil(timeout: 30) { targeted.events(of: program.pid).count >= 2 }, "\(targeted.stderr)")
    try #require(waitUntil(timeout: 30) { everywhere.events(of: program.pid).count >= 2 }, "\(everywhere.stderr)")
    let inner = try namespaceInode(program.pid)
    #expect(inner != (try namespaceInode(box.pid)))
    for run in [everywhere, targeted] {
      #expect(summary(run.events(of: program.pid)) == ["shmget create ok -", "shmctl remove ok -"])
      #expect(run.events(of: program.pid).allSatisfy { ($0["ipc_namespace"] as? Int) == inner })
    }
    // The sandbox's own trace saw it not (all three read the same moments).
    #expect(here.interrupt() == 130)
    #expect(here.events(of: program.pid).isEmpty, "\(here.stdout)")
    everywhere.interrupt()
    targeted.interrupt()
  }

  /// tracefs mounted in the sandbox's own mount namespace, where the test can look at it.
  func mountTracefs(_ box: Sandbox) throws -> String {
    let run = try box.runInside(["/bin/mount", "-t", "tracefs", "nodev", "/sys/kernel/tracing"])
    try #require(run.status == 0, "\(run)")
    return "/proc/\(box.pid)/root/sys/kernel/tracing"
  }

  /// The instances and uprobes of the trace `owner` names ("PID-START").
  func leftovers(_ tracefs: String, of owner: String) -> [String] {
    let instances = (try? FileManager.default.contentsOfDirectory(atPath: tracefs + "/instances")) ?? []
    let probes = ((try? String(contentsOfFile: tracefs + "/uprobe_events", encoding: .utf8)) ?? "")
      .split(separator: "\n").map(String.init)
    let group = "ipctool_" + owner.replacingOccurrences(of: "-", with: "_") + "/"
    return instances.filter { $0 == "ipctool-\(owner)" || $0 == "ipctool-\(owner)-side" } + probes.filter { $0.contains(group) }
  }

  @Test func sigintLeavesNoInstanceAndNoUprobe() throws {
    let box = try Sandbox()
    let tracefs = try mountTracefs(box)
    let trace = try TraceRun(box, [])
    let owner = trace.owner
    #expect(!leftovers(tracefs, of: owner).isEmpty)
    #expect(trace.interrupt() == 130)
    #expect(leftovers(tracefs, of: owner) == [])
  }

  @Test func aKilledTraceLeavesAnInstanceTheNextRunRemoves() throws {
    let box = try Sandbox()
    let tracefs = try mountTracefs(box)
    let killed = try TraceRun(box, [])
    let owner = killed.owner
    killed.kill9()
    let left = leftovers(tracefs, of: owner)
    #expect(left.contains("ipctool-\(owner)"), "\(left)")
    #expect(left.contains("ipctool-\(owner)-side"), "\(left)")
    #expect(left.contains { $0.contains("/shm_open ") }, "\(left)")
    let next = try box.run(["trace", "--duration", "1s"])
    #expect(next.status == 0, "\(next)")
    // What it removed it says (another test's trace, running beside, may have been first).
    #expect(withoutUnplacedCalls(next.stderr).split(separator: "\n").allSatisfy {
      $0.hasPrefix("ipctool: trace: removed ") && $0.hasSuffix(", left by an ipctool that is gone")
    }, "\(next)")
    #expect(leftovers(tracefs, of: owner) == [])
  }

  /// A killed trace's pid, reused by a live process, does not keep its instance; a live
  /// process with the pid and start time in a name keeps it (the pid alone tells neither).
  @Test func anInstanceIsStaleByItsPidAndStartTimeTogether() throws {
    let box = try Sandbox()
    let tracefs = try mountTracefs(box)
    // The sandbox's own process lives: one name with its true start time, one with another.
    let live = "ipctool-" + TraceRun.owner(box.pid)
    let reused = "ipctool-\(box.pid)-1"
    for name in [live, reused] {
      try #require(mkdir(tracefs + "/instances/" + name, 0o700) == 0, "\(name): \(errno)")
    }
    defer { for name in [live, reused] { rmdir(tracefs + "/instances/" + name) } }
    let next = try box.run(["trace", "--duration", "1s"])
    #expect(next.status == 0, "\(next)")
    #expect(next.stderr.contains("ipctool: trace: removed instances/\(reused), left by an ipctool that is gone\n"), "\(next)")
    let instances = (try? FileManager.default.contentsOfDirectory(atPath: tracefs + "/instances")) ?? []
    #expect(!instances.contains(reused))
    #expect(instances.contains(live), "\(instances)")
  }

  /// fanotify's queue is the kernel's bounded one: a flood of /dev/shm entries while trace's
  /// output is blocked overflows it (no kernel memory grows without bound), and that is said.
  @Test func aFanotifyQueueOverflowIsCountedAndSaid() throws {
    let box = try Sandbox()
    let folder = try TemporaryDirectory(shared: true)
    let go = folder.file("go")
    // Entries made by direct system calls: only fanotify sees them. Trace blocks on its output
    // pipe (no one reads it) within the first few hundred, and reads fanotify only between
    // deliveries: of 44000 events, more than the queue's 16384 wait at once, however it runs.
    let program = try python(box, """
      def make(count):
          for i in range(count):
              name = "/dev/shm/" + P.decode() + "-f%d" % i
              os.close(os.open(name, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600))
              os.unlink(name)
      print("ready", file=sys.stderr, flush=True)
      while not os.path.exists(GO + b"-start"):
          time.sleep(0.02)
      make(22000)
      wait()
      """, go)
    defer {
      FileManager.default.createFile(atPath: go, contents: nil)
      _ = program.finish(timeout: 20)
    }
    try #require(waitUntil { program.outputSoFar.contains("ready") }, "\(program.outputSoFar)")
    let trace = try TraceRun(box, ["--json", "--kind", "posix-shm"], stalled: true)
    FileManager.default.createFile(atPath: go + "-start", contents: nil)
    try #require(waitUntil(timeout: 120) { program.outputSoFar.contains("done") }, "\(program.outputSoFar)")
    #expect(trace.interruptReadingOutput() == 130)
    #expect(trace.stderr.contains("ipctool: trace: file events lost: fanotify's queue overflowed "), "\(trace.stderr)")
  }

  /// The lost count read from trace's last words: (count, exact).
  func lostCalls(_ stderr: String) -> (count: Int, exact: Bool)? {
    for line in stderr.split(separator: "\n") where line.hasSuffix("lost: the kernel's trace buffer was full")
      || line.contains("lost: the kernel's trace buffer was full (")
    {
      let words = line.split(separator: " ")
      if words[2] == "at", let count = Int(words[4]) { return (count, false) }
      if let count = Int(words[2]) { return (count, true) }
    }
    return nil
  }

  /// Losses forced: a buffer of a few pages, and trace blocked writing to an output no one
  /// reads while the calls come. Every call is then either shown or counted lost, once.
  @Test func shownAndLostCallsAddUpExactlyWhenTheBufferOverflows() throws {
    let box = try Sandbox()
    let folder = try TemporaryDirectory(shared: true)
    let go = folder.file("go")
    let start = folder.file("start")
    let calls = 4_000
    let program = try python(box, """
      print("ready", file=sys.stderr, flush=True)
      while not os.path.exists(\(pythonBytes(start))):
          time.sleep(0.02)
      for i in range(\(calls / 2)):
          name = P + b"-n%d" % i
          os.close(c.shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0o600))
          c.shm_unlink(name)
      wait()
      """, go)
    defer {
      FileManager.default.createFile(atPath: go, contents: nil)
      _ = program.finish(timeout: 20)
    }
    try #require(waitUntil { program.outputSoFar.contains("ready") }, "\(program.outputSoFar)")
    let trace = try TraceRun(
      box, ["--json", "--pid", String(program.pid), "--kind", "posix-shm"], stalled: true,
      environment: ["IPCTOOL_TRACE_BUFFER_KB": "8"])
    FileManager.default.createFile(atPath: start, contents: nil)
    try #require(waitUntil(timeout: 120) { program.outputSoFar.contains("done") }, "\(program.outputSoFar)")
    #expect(trace.interruptReadingOutput() == 130)
    // The calls shown; fanotify shows again the entries of calls that were lost (no call
    // shown made them), which are not calls shown.
    let shown = trace.events(of: program.pid).filter { $0["source"] as? String != "fanotify" }.count
    let lost = try #require(lostCalls(trace.stderr), "shown \(shown) of \(trace.events.count): \(trace.stderr)")
    #expect(lost.exact, "\(trace.stderr)")
    #expect(lost.count > 0, "\(trace.stderr)")
    #expect(shown + lost.count == calls, "shown \(shown), lost \(lost.count): \(trace.stderr)")
  }

  /// With a prefix the kernel cannot filter by, the count is a bound, and says so.
  @Test func aLostCountThatMayHoldCallsNotSelectedSaysAtMost() throws {
    let box = try Sandbox()
    let folder = try TemporaryDirectory(shared: true)
    let go = folder.file("go")
    let start = folder.file("start")
    let calls = 2_000
    let program = try python(box, """
      print("ready", file=sys.stderr, flush=True)
      while not os.path.exists(\(pythonBytes(start))):
          time.sleep(0.02)
      for i in range(\(calls / 2)):
          name = P + (b"-a%d" if i % 2 else b"-b%d") % i
          os.close(c.shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0o600))
          c.shm_unlink(name)
      wait()
      """, go)
    defer {
      FileManager.default.createFile(atPath: go, contents: nil)
      _ = program.finish(timeout: 20)
    }
    try #require(waitUntil { program.outputSoFar.contains("ready") }, "\(program.outputSoFar)")
    let trace = try TraceRun(
      box, ["--json", "--pid", String(program.pid), "--prefix", box.prefix + "-a"], stalled: true,
      environment: ["IPCTOOL_TRACE_BUFFER_KB": "8"])
    FileManager.default.createFile(atPath: start, contents: nil)
    try #require(waitUntil(timeout: 120) { program.outputSoFar.contains("done") }, "\(program.outputSoFar)")
    #expect(trace.interruptReadingOutput() == 130)
    let shown = trace.events(of: program.pid).count
    let lost = try #require(lostCalls(trace.stderr), "\(trace.stderr)")
    #expect(!lost.exact, "\(trace.stderr)")
    #expect(shown <= calls / 2 && shown + lost.count >= calls / 2, "shown \(shown), lost \(lost.count)")
  }

  @Test func aRecordedTraceTellsWhyAnObjectExistsAndWhereAGoneOneWent() throws {
    let box = try Sandbox()
    let folder = try TemporaryDirectory(shared: true)
    let go = folder.file("go")
    let journal = folder.file("journal")
    let trace = try TraceRun(box, ["--json", "--record", "--journal", journal])
    let program = try python(box, """
      c.shm_open(P + b"-kept", O_CREAT | O_EXCL | O_RDWR, 0o600)
      c.shm_open(P + b"-gone", O_CREAT | O_EXCL | O_RDWR, 0o600)
      c.shm_unlink(P + b"-gone")
      c.shmget(0x5eed04, 4096, 0o1600)
      wait()
      """, go)
    defer {
      FileManager.default.createFile(atPath: go, contents: nil)
      _ = program.finish(timeout: 20)
    }
    try #require(waitUntil(timeout: 30) { trace.events(of: program.pid).count >= 4 }, "\(trace.stderr)")
    #expect(trace.interrupt() == 130)
    let run = try box.run(["why", "--journal", journal, "\(box.prefix)-kept", "\(box.prefix)-gone", "sysv-shm:0x5eed04"])
    #expect(run.status == 0, "\(run)")
    let stories = run.stdout.components(separatedBy: "\n\n")
    try #require(stories.count == 3, "\(run.stdout)")
    #expect(stories[0].contains("traced calls            1\n"), "\(stories[0])")
    #expect(stories[0].contains("ok  shm_open (create) by pid \(program.pid) python3"), "\(stories[0])")
    #expect(stories[1].contains("exists                  no"), "\(stories[1])")
    #expect(stories[1].contains("ok  shm_unlink (remove) by pid \(program.pid)"), "\(stories[1])")
    #expect(stories[2].contains("creator                 pid \(program.pid), running: python3"), "\(stories[2])")
    #expect(stories[2].contains("ok  shmget (create) by pid \(program.pid)"), "\(stories[2])")
    // Only root reads the journal.
    var info = stat()
    #expect(stat(journal, &info) == 0 && info.st_mode & 0o777 == 0o600)
  }

  @Test func countEndsTheTraceAfterThatManyCallsShown() throws {
    let box = try Sandbox()
    let folder = try TemporaryDirectory(shared: true)
    let go = folder.file("go")
    let trace = try TraceRun(box, ["--count", "2", "--kind", "sysv-mq"])
    let program = try python(box, """
      for key in (0x5eed05, 0x5eed06, 0x5eed07):
          c.msgget(key, 0o1600)
      wait()
      """, go)
    defer {
      FileManager.default.createFile(atPath: go, contents: nil)
      _ = program.finish(timeout: 20)
    }
    #expect(trace.waitForExit() == 0, "\(trace.stderr)")
    let lines = trace.stdout.split(separator: "\n")
    try #require(lines.count == 3, "\(trace.stdout)")
    #expect(lines[0].hasPrefix("TIME "))
    #expect(lines[1].contains("  msgget      ok      sysv-mq:"), "\(lines[1])")
    #expect(lines[1].contains("python3"), "\(lines[1])")
  }

  @Test func aClosedPipeEndsItSilentlyAfterCleaningUp() throws {
    let box = try Sandbox()
    let tracefs = try mountTracefs(box)
    // Calls keep coming until the trace, its output closed by head, has ended.
    let script = """
      ( "$1" trace --kind sysv-mq 2>err | head -1 >out; echo "${PIPESTATUS[0]}" >status ) &
      for i in $(seq 200); do
        [ -s status ] && break
        python3 -c 'import ctypes; c = ctypes.CDLL("libc.so.6"); c.msgctl(c.msgget(0, 0o1600), 0, None)'
        sleep 0.05
      done
      echo "$(cat status) $(cat out)"; cat err >&2; echo "$i" >&2
      rm -r "$PWD"
      """
    let run = try box.runInside(
      ["/bin/bash", "-c", "cd \"$(mktemp -d)\" || exit 1\n" + script, "bash", toolPath], timeout: 120)
    #expect(run.stdout.hasPrefix("141 TIME "), "\(run)")
    #expect(run.stdout.split(separator: "\n").count == 1, "\(run)")
    #expect(withoutUnplacedCalls(run.stderr).split(separator: "\n").count == 1, "\(run)")  // trace said nothing
    let instances = (try? FileManager.default.contentsOfDirectory(atPath: tracefs + "/instances")) ?? []
    // Instances of a trace still running are another's (tracefs is the machine's): this
    // test's trace has ended, so what it left is named by a pid that is gone.
    let left = instances.filter { name in
      guard name.hasPrefix("ipctool-"), let pid = pid_t(name.dropFirst(8).prefix { $0 != "-" }) else { return false }
      return kill(pid, 0) != 0 && errno == ESRCH
    }
    #expect(left.isEmpty, "\(instances)")
  }

  @Test(
    .enabled(if: installed("unshare"), "unshare is not installed"),
    .enabled(if: !FileManager.default.fileExists(atPath: "/sys/kernel/tracing/instances"),
      "tracefs is mounted on this machine: a user namespace would find it, not mount it"))
  func whereTracefsCannotBeMountedItSaysSoInOneLine() throws {
    // Root of a user namespace of its own: it may make a mount namespace, but not mount tracefs.
    let run = try runProgram("/usr/bin/unshare", ["--user", "--map-root-user", toolPath, "trace"])
    #expect(run.status == 1, "\(run)")
    #expect(run.stderr == "ipctool: trace: tracefs is not mounted and could not be mounted:"
      + " mount tracefs on /sys/kernel/tracing: Operation not permitted\n", "\(run)")
    #expect(run.stdout == "")
  }

  @Test(.otherUsersCanRunTheTool) func withoutRootItSaysSoInOneLine() throws {
    let box = try Sandbox()
    let run = try box.run(["trace"], as: 65534)
    #expect(run.status == 1, "\(run)")
    #expect(run.stderr == "ipctool: trace: needs root (tracefs, uprobes)\n", "\(run)")
    #expect(run.stdout == "")
  }
}
