import Foundation
import TestSupport
import Testing

/// A program built on musl (musl-gcc) calls musl's shm_open, sem_open, mq_open and unlinks:
/// `trace` names them from uprobes on musl's C library, once each (musl's semaphore file, which
/// has no "sem." prefix, and its temporary file are not shown again by fanotify).
extension TraceTests {
  static let muslProgram = """
    #include <fcntl.h>
    #include <mqueue.h>
    #include <semaphore.h>
    #include <stdio.h>
    #include <string.h>
    #include <sys/mman.h>
    #include <unistd.h>
    int main(int argc, char **argv) {
      char shm[256], sem[256], queue[256];
      snprintf(shm, sizeof shm, "%s-m\\n\\xff", argv[1]);
      snprintf(sem, sizeof sem, "%s-s", argv[1]);
      snprintf(queue, sizeof queue, "%s-q", argv[1]);
      int fd = shm_open(shm, O_CREAT | O_EXCL | O_RDWR, 0600);
      if (fd < 0) { perror("shm_open"); return 1; }
      close(fd);
      shm_unlink(shm);
      sem_t *s = sem_open(sem, O_CREAT | O_EXCL, 0600, 1);
      if (s == SEM_FAILED) { perror("sem_open"); return 1; }
      sem_unlink(sem);
      mqd_t q = mq_open(queue, O_CREAT | O_EXCL | O_RDWR, 0600, NULL);
      if (q < 0) { perror("mq_open"); return 1; }
      mq_unlink(queue);
      fprintf(stderr, "done\\n");
      while (access(argv[2], F_OK) != 0) usleep(20000);
      return 0;
    }
    """

  @Test(.enabled(if: installed("musl-gcc"), "musl-gcc is not installed (Debian: musl-tools)"))
  func namesOfAProgramBuiltOnMuslAreTraced() throws {
    let folder = try TemporaryDirectory(shared: true)
    try Self.muslProgram.write(toFile: folder.file("musl.c"), atomically: true, encoding: .utf8)
    let build = try runProgram("/usr/bin/musl-gcc", ["-o", folder.file("musl"), folder.file("musl.c")])
    try #require(build.status == 0, "\(build)")
    let box = try Sandbox()
    let go = folder.file("go")
    let trace = try TraceRun(box, ["--json"])
    let program = try RunningProgram(
      "/usr/bin/nsenter", ["--target", String(box.pid), "--ipc", "--mount", "--", folder.file("musl"), box.prefix, go])
    defer {
      FileManager.default.createFile(atPath: go, contents: nil)
      _ = program.finish(timeout: 20)
    }
    let prefix = Array(box.prefix.utf8)
    let expected = [
      "shm_open create ok \(hex(prefix + Array("-m\n".utf8) + [0xFF]))",
      "shm_unlink remove ok \(hex(prefix + Array("-m\n".utf8) + [0xFF]))",
      "sem_open create ok \(hex(prefix + Array("-s".utf8)))",
      "sem_unlink remove ok \(hex(prefix + Array("-s".utf8)))",
      "mq_open create ok \(hex(prefix + Array("-q".utf8)))",
      "mq_unlink remove ok \(hex(prefix + Array("-q".utf8)))",
    ]
    try #require(waitUntil(timeout: 30) { program.outputSoFar.contains("done") }, "\(program.outputSoFar)")
    try #require(waitUntil(timeout: 30) { trace.events(of: program.pid).count >= expected.count },
      "\(summary(trace.events(of: program.pid))) \(trace.stderr)")
    #expect(trace.interrupt() == 130)
    let events = trace.events(of: program.pid)
    #expect(summary(events) == expected, "\(summary(events))")
    #expect(events.allSatisfy { $0["source"] as? String == "libc" }, "\(events)")
  }

  /// The same program linked statically: no C library to probe. fanotify names its segment and
  /// its semaphore (musl's file has no "sem." prefix: a segment, as /dev/shm shows it), and
  /// names its queue calls, which the syscall tracepoints see without a name: one event each.
  @Test(.enabled(if: installed("musl-gcc"), "musl-gcc is not installed (Debian: musl-tools)"))
  func aStaticProgramsEntriesAreNamedByFanotifyAndItsQueueCallsOnce() throws {
    let folder = try TemporaryDirectory(shared: true)
    try Self.muslProgram.write(toFile: folder.file("musl.c"), atomically: true, encoding: .utf8)
    let build = try runProgram("/usr/bin/musl-gcc", ["-static", "-o", folder.file("static"), folder.file("musl.c")])
    try #require(build.status == 0, "\(build)")
    let box = try Sandbox()
    let go = folder.file("go")
    let trace = try TraceRun(box, ["--json"])
    let program = try RunningProgram(
      "/usr/bin/nsenter", ["--target", String(box.pid), "--ipc", "--mount", "--", folder.file("static"), box.prefix, go])
    defer {
      FileManager.default.createFile(atPath: go, contents: nil)
      _ = program.finish(timeout: 20)
    }
    let prefix = Array(box.prefix.utf8)
    let expected = [
      "fs_create create ok \(hex(prefix + Array("-m\n".utf8) + [0xFF]))",
      "fs_delete remove ok \(hex(prefix + Array("-m\n".utf8) + [0xFF]))",
      "fs_create create ok \(hex(prefix + Array("-s".utf8)))",
      "fs_delete remove ok \(hex(prefix + Array("-s".utf8)))",
      "mq_open create ok \(hex(prefix + Array("-q".utf8)))",
      "mq_unlink remove ok \(hex(prefix + Array("-q".utf8)))",
    ]
    try #require(waitUntil(timeout: 30) { program.outputSoFar.contains("done") }, "\(program.outputSoFar)")
    try #require(waitUntil(timeout: 30) { Set(summary(trace.events(of: program.pid))).isSuperset(of: expected) },
      "\(summary(trace.events(of: program.pid))) \(trace.stderr)")
    #expect(trace.interrupt() == 130)
    let events = trace.events(of: program.pid)
    let seen = summary(events)
    for line in expected { #expect(seen.filter { $0 == line }.count == 1, "\(line) in \(seen)") }
    // Besides: musl's temporary semaphore file, made and removed ("tmp-N"); nothing else.
    let others = events.filter { !expected.contains(summary([$0])[0]) }
    #expect(others.allSatisfy { ($0["name"] as? String ?? "").hasPrefix("/tmp-") }, "\(seen)")
    #expect(events.filter { $0["kind"] as? String == "posix-mq" }.allSatisfy { $0["source"] as? String == "syscall" })
  }
}
