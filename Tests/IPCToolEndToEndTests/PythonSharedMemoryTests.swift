import Foundation
import TestSupport
import Testing

/// Python's `SharedMemory(create=True)`, written and closed (not unlinked) by a program that
/// runs on and attaches it again later: nothing maps it meanwhile, but the program's resource
/// tracker runs, and root's `clean --all` must keep it (the bug report: the re-attach failed
/// with FileNotFoundError). Also where the program runs in a namespace of its own with its own
/// /dev/shm (a container), and root cleans it with --target.
@Suite(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"))
struct PythonSharedMemoryTests {
  @Test(arguments: [false, true])
  func aClosedSegmentOfAProgramWithALiveResourceTrackerSurvivesCleanAll(contained: Bool) throws {
    let box = try Sandbox()
    let folder = try TemporaryDirectory()
    let go = folder.file("go")
    // Contained: its own mount and IPC namespaces and tmpfs /dev/shm (exec keeps the pid).
    let container = ["/usr/bin/unshare", "--mount", "--ipc", "--propagation", "private", "/bin/sh", "-c",
      "mount -t tmpfs none /dev/shm && exec python3 -c \"$0\""]
    let program = try RunningProgram(
      "/usr/bin/nsenter",
      ["--target", String(box.pid), "--ipc", "--mount", "--"] + (contained ? container : ["python3", "-c"]) + ["""
        import os, sys, time
        from multiprocessing import shared_memory
        made = shared_memory.SharedMemory(create=True, size=64)
        made.buf[:5] = b'hello'
        name = made.name
        made.close()
        print(name, file=sys.stderr, flush=True)
        while not os.path.exists('\(go)'):
            time.sleep(0.05)
        again = shared_memory.SharedMemory(name=name)
        print(bytes(again.buf[:5]).decode(), flush=True)
        again.close()
        again.unlink()
        """])
    // Ends however the test goes: told to go on, or (finish's bound) killed.
    var ended: ToolRun?
    defer {
      if ended == nil {
        FileManager.default.createFile(atPath: go, contents: nil)
        _ = program.finish(timeout: 20)
      }
    }
    try #require(waitUntil { program.outputSoFar.hasSuffix("\n") }, "\(program.outputSoFar)")
    // Python names it without its slash.
    let name = "/" + program.outputSoFar.trimmingCharacters(in: .whitespacesAndNewlines)
    // The tracker: the process the program started with multiprocessing's command line.
    let tracker = try #require(
      (try FileManager.default.contentsOfDirectory(atPath: "/proc")).compactMap(pid_t.init).first { pid in
        ((try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? "")
          .contains("from multiprocessing.resource_tracker import main")
          && (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?
            .split(separator: ")").last?.split(separator: " ").dropFirst().first == "\(program.pid)"
      })

    let target = contained ? ["--target", String(program.pid)] : []
    for selector in [["--all"], ["--kind", "posix-shm"], ["--all", "--dry-run"]] {
      let run = try box.run(["clean"] + selector + target)
      #expect(run.stdout.contains(
        "posix-shm:\(name): held by Python multiprocessing, resource tracker \(tracker) between uses"),
        "\(selector): \(run)")
    }
    let users = try box.run(["list", "--users", "--kind", "posix-shm", "-o", "ref,users", "--no-headings"] + target)
    #expect(users.lines.contains { $0.hasSuffix("held by Python multiprocessing, resource tracker \(tracker)") }, "\(users)")
    FileManager.default.createFile(atPath: go, contents: nil)
    let result = program.finish(timeout: 60)
    ended = result
    #expect(result.status == 0 && result.stdout == "hello\n", "\(result)")
  }
}
