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
