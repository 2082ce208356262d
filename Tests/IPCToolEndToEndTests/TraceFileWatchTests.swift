import Foundation
import TestSupport
import Testing

/// fanotify as a source of `trace`: entries made in /dev/shm and the mqueue mount by direct
/// system calls (no C library call to probe) are seen with their thread and name bytes, and an
/// entry a traced C library call made is reported once, by that call.
extension TraceTests {
  @Test func entriesMadeByDirectSystemCallsAreSeenOnceWithTheirNameBytes() throws {
    let box = try Sandbox()
    let mqueue = try #require(box.mqueueMount)
    let folder = try TemporaryDirectory(shared: true)
    let go = folder.file("go")
    let trace = try TraceRun(box, ["--json"])
    // os.open and os.unlink are openat and unlinkat: no shm_open, no sem_open, no mq_open.
    let program = try python(box, """
      base = P[1:]
      raw = b"/dev/shm/" + base + b"-raw\\nb\\xff"
      os.close(os.open(raw, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600))
      os.unlink(raw)
      os.close(os.open(b"/dev/shm/sem." + base + b"-s", os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600))
      os.unlink(b"/dev/shm/sem." + base + b"-s")
      queue = \(pythonBytes(mqueue)) + b"/" + base + b"-q"
      os.close(os.open(queue, os.O_CREAT | os.O_EXCL | os.O_RDONLY, 0o600))
      os.unlink(queue)
      # Through the C library: its calls report these, fanotify's entries not again.
      os.close(c.shm_open(P + b"-libc", O_CREAT | O_EXCL | O_RDWR, 0o600))
      c.shm_unlink(P + b"-libc")
      c.mq_open(P + b"-lq", O_CREAT | O_EXCL | O_RDWR, 0o600, None)
      c.mq_unlink(P + b"-lq")
      wait()
      """, go)
    defer {
      FileManager.default.createFile(atPath: go, contents: nil)
      _ = program.finish(timeout: 20)
    }
    let prefix = Array(box.prefix.utf8)
    let expected = [
      "fs_create create ok \(hex(prefix + Array("-raw\nb".utf8) + [0xFF]))",
      "fs_delete remove ok \(hex(prefix + Array("-raw\nb".utf8) + [0xFF]))",
      "fs_create create ok \(hex(prefix + Array("-s".utf8)))",
      "fs_delete remove ok \(hex(prefix + Array("-s".utf8)))",
      "fs_create create ok \(hex(prefix + Array("-q".utf8)))",
      "fs_delete remove ok \(hex(prefix + Array("-q".utf8)))",
      "shm_open create ok \(hex(prefix + Array("-libc".utf8)))",
      "shm_unlink remove ok \(hex(prefix + Array("-libc".utf8)))",
      "mq_open create ok \(hex(prefix + Array("-lq".utf8)))",
      "mq_unlink remove ok \(hex(prefix + Array("-lq".utf8)))",
    ]
    try #require(waitUntil(timeout: 30) { program.outputSoFar.contains("done") }, "\(program.outputSoFar)")
    try #require(waitUntil(timeout: 30) { trace.events(of: program.pid).count >= expected.count },
      "\(summary(trace.events(of: program.pid))) \(trace.stderr)")
    #expect(trace.interrupt() == 130)
    let events = trace.events(of: program.pid)
    // fanotify's entries carry no time: they are shown once the calls before them are.
    #expect(summary(events).sorted() == expected.sorted(), "\(summary(events))")
    let kinds = events.filter { $0["source"] as? String == "fanotify" }.map { $0["kind"] as? String ?? "-" }
    #expect(kinds == ["posix-shm", "posix-shm", "posix-sem", "posix-sem", "posix-mq", "posix-mq"], "\(kinds)")
    #expect(events.first { $0["source"] as? String == "fanotify" }?["ref"] as? String
      == "posix-shm:\(box.prefix)-raw\\nb\\xff")
    #expect(trace.complaints == "", "\(trace.stderr)")
  }

  /// A C library call and the entry it made are one event however the trace's reading of its
  /// watches falls between them: with each of trace's reads held back 2 ms (strace's fault
  /// injection), a loop's calls make their entries and return while trace is between its reads,
  /// and not one entry is reported again as an event of its own. (One was, under load: a
  /// reading's time was taken after the watches were read, and a call that returned in between
  /// was forgotten before the entry it made, read next time, was compared.)
  @Test(.enabled(if: installed("strace"), "strace is not installed"))
  func anEntryMadeWhileTraceReadsItsWatchesIsStillItsCalls() throws {
    let box = try Sandbox()
    let folder = try TemporaryDirectory(shared: true)
    let go = folder.file("go")
    let trace = try TraceRun(box, ["--json"])
    let slow = try RunningProgram(
      "/usr/bin/strace", ["-p", String(trace.pid), "-e", "trace=read", "-e", "inject=read:delay_exit=2000", "-o", "/dev/null"])
    var detached = false
    func detach() {
      guard !detached else { return }
      detached = true
      kill(slow.pid, SIGINT)
      _ = slow.finish(timeout: 10)
    }
    defer { detach() }
    try #require(waitUntil(timeout: 10) { Self.tracer(of: trace.pid) == slow.pid }, "strace did not attach")
    // Names of their own (fanotify merges equal entries still queued) and a pause between
    // calls (so they fall in many readings, not one).
    let rounds = 200
    let program = try python(box, """
      for i in range(\(rounds)):
          name = P + b"-loop-%d" % i
          os.close(c.shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0o600))
          c.shm_unlink(name)
          time.sleep(0.004)
      wait()
      """, go)
    defer {
      FileManager.default.createFile(atPath: go, contents: nil)
      _ = program.finish(timeout: 20)
    }
    try #require(waitUntil(timeout: 60) { program.outputSoFar.contains("done") }, "\(program.outputSoFar)")
    try #require(waitUntil(timeout: 60) { trace.events(of: program.pid).count >= 2 * rounds },
      "\(trace.events(of: program.pid).count) \(trace.stderr)")
    detach()
    #expect(trace.interrupt() == 130)
    let events = trace.events(of: program.pid)
    let entries = events.filter { $0["source"] as? String == "fanotify" }
    #expect(entries.isEmpty, "\(entries.count) entries reported beside their calls: \(summary(entries).prefix(4))")
    #expect(events.count == 2 * rounds, "\(summary(events).suffix(4))")
    #expect(trace.complaints == "", "\(trace.stderr)")
  }

  /// The pid tracing `pid` (/proc/PID/status's TracerPid), 0 if none.
  static func tracer(of pid: pid_t) -> pid_t {
    let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("TracerPid:") }
    return line.flatMap { pid_t($0.dropFirst("TracerPid:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
  }

  /// The watch is a mark on /dev/shm's inode held by trace's fanotify descriptor: it exists
  /// while trace runs, and the kernel drops it with the descriptor when trace ends, however.
  @Test func theWatchIsAMarkOnTheNamespacesDevShmHeldByTracesDescriptor() throws {
    let box = try Sandbox()
    let trace = try TraceRun(box, [])
    var info = stat()
    try #require(stat(box.shmDirectory, &info) == 0)
    let inode = String(info.st_ino, radix: 16)
    let fdinfo = "/proc/\(trace.pid)/fdinfo"
    let marks = ((try? FileManager.default.contentsOfDirectory(atPath: fdinfo)) ?? []).flatMap { entry in
      ((try? String(contentsOfFile: fdinfo + "/" + entry, encoding: .utf8)) ?? "")
        .split(separator: "\n").filter { $0.hasPrefix("fanotify ino:") }
    }
    #expect(marks.contains { $0.hasPrefix("fanotify ino:\(inode) ") }, "\(marks) \(inode)")
    #expect(trace.interrupt() == 130)
  }
}
