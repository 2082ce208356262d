import Foundation
import TestSupport
import Testing

/// However a pi run ends, it ends with nothing left: a signal to the whole group, a kill of
/// every process at once, a killed cleanup helper, a full /dev/shm, a name or key someone else
/// holds, a stopped worker, a slice count that would not fit in memory.
@Suite(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"))
struct PiEndingTests {
  /// ipctool in the sandbox as the leader of a process group of its own, as a shell's job is
  /// (Foundation starts every child in a new group).
  func startAsJob(_ box: Sandbox, _ arguments: [String]) throws -> RunningProgram {
    let running = try box.start(arguments)
    try #require(getpgid(running.pid) == running.pid, "not a group of its own")
    return running
  }

  /// A run busy long enough to be interrupted: its helper first, then `workers` workers.
  func busyRun(_ box: Sandbox, _ mechanism: String, workers: Int = 3, extra: [String] = [])
    throws -> (RunningProgram, helper: pid_t, workers: [pid_t])
  {
    let running = try startAsJob(
      box, ["pi", "--ipc", mechanism, "--terms", "4000000000", "--workers", String(workers)] + extra)
    let children = running.children(atLeast: workers + 1)
    try #require(children.count == workers + 1, "\(running.finish())")
    return (running, children[0], Array(children.dropFirst()))
  }

  @Test(arguments: [SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGPIPE, SIGALRM])
  func everyStopSignalToTheGroupRemovesEverything(signal: Int32) throws {
    let box = try Sandbox()
    let (running, helper, workers) = try busyRun(box, "sysv-shm")
    kill(-running.pid, signal)  // the whole group: parent, helper and workers
    let run = running.finish()
    #expect(run.status == 128 + signal, "\(run)")
    #expect(run.stderr.hasPrefix("ipctool: pi: stopped by signal \(signal) ("), "\(run)")
    #expect(run.stderr.hasSuffix("); everything it made was removed\n"), "\(run)")
    for pid in workers + [helper] { #expect(processGone(pid)) }
    #expect(try box.run(["list", "--json"]).objects().isEmpty)
  }

  /// SIGKILL to every process of the run: nobody is left to clean, but the System V objects
  /// carry the run's key, and the prefix that finds its POSIX leftovers finds them too.
  @Test(arguments: ["sysv-mq", "sysv-shm"])
  func afterAGroupKillCleanPrefixFindsTheSystemVObjects(mechanism: String) throws {
    let box = try Sandbox()
    let (running, helper, workers) = try busyRun(box, mechanism)
    kill(-running.pid, SIGKILL)
    _ = running.finish()
    for pid in workers + [helper] { #expect(processGone(pid)) }
    let left = try box.run(["list", "--json"]).objects()
    #expect(!left.isEmpty)
    let listed = try box.run(["list", "--json", "--prefix", "/ipctool-pi-\(running.pid)-"]).objects()
    #expect(listed.count == left.count, "\(left)")
    // Force: a semaphore set used a moment ago counts as in use for 5 s.
    let clean = try box.run(["clean", "--prefix", "/ipctool-pi-", "--force"])
    #expect(clean.lines.last == "removed \(left.count), kept 0 in use, failed 0", "\(clean)")
    #expect(try box.run(["list", "--json"]).objects().isEmpty)
  }

  @Test func aKilledCleanupHelperIsReportedAndTheRunCleansUp() throws {
    let box = try Sandbox()
    let (running, helper, workers) = try busyRun(box, "sysv-mq")
    kill(helper, SIGKILL)
    let run = running.finish()
    #expect(run.status == 1, "\(run)")
    #expect(run.stderr == "ipctool: pi: the cleanup helper (pid \(helper)) was killed by signal 9 (Killed);"
      + " the run was stopped and everything it made removed\n", "\(run)")
    for pid in workers { #expect(processGone(pid)) }
    #expect(try box.run(["list", "--json"]).objects().isEmpty)
  }

  @Test func aFullShmFailsAtSetupWithNothingLeft() throws {
    let box = try Sandbox()
    let filler = box.shmDirectory + "/filler"
    let fd = open(filler, O_CREAT | O_WRONLY, 0o600)
    try #require(fd >= 0)
    defer { close(fd) }
    var offset: off_t = 0
    while posix_fallocate(fd, offset, 1 << 20) == 0 { offset += 1 << 20 }  // until the tmpfs is full
    let run = try box.run(["pi", "--ipc", "posix-shm"])
    #expect(run.status == 1, "\(run)")  // not 135, a bus error at the first store
    #expect(run.stderr.contains(": No space left on device"), "\(run)")
    #expect(box.shmFileNames() == [Array("filler".utf8)])
  }

  /// What if the name is taken between choosing and creating it? strace makes the kernel say
  /// EEXIST: the run fails, and never unlinks the name it did not make.
  @Test(.enabled(if: installed("strace"), "strace is not installed"), arguments: [1, 2])
  func aNameThatExistsIsNeverUnlinked(failingCreate: Int) throws {
    let box = try Sandbox()
    let folder = try TemporaryDirectory()
    let trace = folder.file("trace")
    let run = try box.runInside([
      "/usr/bin/strace", "-f", "-o", trace, "-e", "trace=linkat,unlink,unlinkat",
      "-e", "inject=linkat:error=EEXIST:when=\(failingCreate)", toolPath, "pi", "--ipc", "posix-shm",
    ])
    #expect(run.status == 1, "\(run)")
    #expect(run.stderr.contains(": File exists"), "\(run)")
    let lines = (try? String(contentsOfFile: trace, encoding: .utf8))?.split(separator: "\n") ?? []
    let refused = try #require(lines.first { $0.contains("(INJECTED)") }, "\(lines)")
    let name = try #require(refused.split(separator: "\"").dropFirst(3).first, "\(refused)")
    #expect(!lines.contains { $0.contains("unlink") && $0.contains("\"\(name)\"") }, "\(lines)")
    #expect(try box.run(["list", "--json"]).objects().isEmpty)
  }

  /// Another user holds the key a run would take: the run uses a private key instead and
  /// leaves theirs alone.
  @Test func aPlantedKeyOfAnotherUserIsNeverTouched() throws {
    let box = try Sandbox()
    let folder = try TemporaryDirectory()
    let go = folder.file("go")
    // The run's pid is the shell's, known before ipctool starts: plant, then let it go.
    let running = try RunningProgram(
      "/usr/bin/nsenter",
      ["--target", String(box.pid), "--ipc", "--mount", "--", "/bin/sh", "-c",
       "while [ ! -e \"$1\" ]; do sleep 0.05; done; exec \"$2\" pi --ipc sysv-mq --terms 100000", "sh", go, toolPath])
    let key = key_t(bitPattern: 0x6900_0000 | UInt32(running.pid))
    let planted = box.inIPCNamespace { () -> Int32 in
      let id = msgget(key, IPC_CREAT | IPC_EXCL | 0o600)
      var status = msqid_ds()
      msgctl(id, IPC_STAT, &status)
      status.msg_perm.uid = 65534
      msgctl(id, IPC_SET, &status)
      return id
    }
    try #require(planted >= 0)
    try folder.write("go", "")
    let run = running.finish()
    #expect(run.status == 0, "\(run)")
    let left = try box.run(["list", "--json"]).objects()
    #expect(left.count == 1 && left.first?["id"] as? Int == Int(planted) && left.first?["uid"] as? Int == 65534, "\(left)")
    _ = box.inIPCNamespace { msgctl(planted, IPC_RMID, nil) }
  }

  @Test func aStoppedWorkerMeetsTheTimeout() throws {
    let box = try Sandbox()
    let (running, helper, workers) = try busyRun(box, "posix-mq", extra: ["--timeout", "2s"])
    kill(workers[1], SIGSTOP)
    let run = running.finish()
    #expect(run.status == 1, "\(run)")
    #expect(run.stderr.hasPrefix("ipctool: pi: posix-mq: timed out after 2 s; "), "\(run)")
    #expect(run.stderr.contains("worker 1 (pid \(workers[1]))"), "\(run)")
    for pid in workers + [helper] { #expect(processGone(pid)) }
    #expect(try box.run(["list", "--json"]).objects().isEmpty)
  }

  /// Slices stream into one exact sum: 3 million of them fit in 40 MB of address space (the
  /// old per-slice arrays alone took 27 MB of it).
  @Test(.enabled(if: installed("prlimit"), "prlimit is not installed"))
  func sliceCountsDoNotCostMemory() throws {
    let box = try Sandbox()
    let run = try box.runInside([
      "/usr/bin/prlimit", "--as=40000000", toolPath, "pi", "--ipc", "pipe", "--terms", "3000000",
      "--slices", "3000000", "--workers", "2",
    ])
    #expect(run.status == 0, "\(run)")
    #expect(try box.run(["list", "--json"]).objects().isEmpty)
  }

  /// A kernel limit met while setting up: one line naming the object once, in reference
  /// syntax ("pi sysv-mq:0x69…", never "pi: pi"), and nothing left.
  @Test func aLimitMetWhileSettingUpIsOneLine() throws {
    let box = try Sandbox()
    _ = try box.runInside(["/bin/sh", "-c", "echo 0 > /proc/sys/kernel/msgmni"])
    let run = try box.run(["pi", "--ipc", "sysv-mq"])
    #expect(run.status == 1 && run.stdout == "", "\(run)")
    #expect(run.stderr.hasPrefix("ipctool: pi sysv-mq:0x69") && run.stderr.hasSuffix(
      ": No space left on device (too many queues: kernel.msgmni = 0; see 'ipctool limits')\n")
      && run.stderr.split(separator: "\n").count == 1, "\(run)")
    #expect(try box.run(["list", "--json"]).objects().isEmpty)
  }
}
