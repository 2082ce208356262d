import Foundation
import TestSupport
import Testing

/// lsipc's column names on real objects: what `list -o` shows under them is what lsipc shows
/// (its System V columns, which the installed lsipc has), and the POSIX ones lsipc 2.43 added
/// (NAME, MTIME, SVAL) show the name, the file's time and the value.
@Suite(
  .enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"),
  .enabled(if: installed("python3"), "python3 is not installed (it sends, receives and attaches)"),
  .enabled(if: installed("lsipc"), "lsipc (util-linux) is not installed"))
struct LsipcColumnTests {
  /// Sends or receives one message on a System V queue through the C library, and prints its pid.
  static let queueScript = """
    import ctypes, os, sys
    libc = ctypes.CDLL(None, use_errno=True)
    class Message(ctypes.Structure):
        _fields_ = [("mtype", ctypes.c_long), ("mtext", ctypes.c_char * 8)]
    message = Message(1, b"hi")
    queue = int(sys.argv[1])
    if sys.argv[2] == "send":
        done = libc.msgsnd(queue, ctypes.byref(message), 2, 0)
    else:
        done = libc.msgrcv(queue, ctypes.byref(message), 8, 0, 0)
    assert done >= 0, ctypes.get_errno()
    print(os.getpid())
    """

  /// Makes a System V segment and stays, so that its creator's command line can be read.
  static let segmentScript = """
    import ctypes, sys, time
    libc = ctypes.CDLL(None, use_errno=True)
    segment = libc.shmget(0, 4096, 0o1600)
    assert segment >= 0, ctypes.get_errno()
    print("made", segment, file=sys.stderr, flush=True)
    time.sleep(600)  # until the test stops it
    """

  /// LSPID and LRPID as two columns, the pids `ipcs -p` and lsipc show.
  @Test func queueSenderAndReceiverAreLsipcs() throws {
    let scratch = try TemporaryDirectory()
    try scratch.write("queue.py", Self.queueScript, mode: 0o644)
    let box = try Sandbox()
    let made = try box.run(["create", "sysv-mq"])
    try #require(made.status == 0, "\(made)")
    let id = String(made.stdout.split(separator: ":").last ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    var pids: [String] = []
    for step in ["send", "receive"] {
      let run = try box.runInside(["/usr/bin/python3", scratch.file("queue.py"), id, step])
      try #require(run.status == 0, "\(run)")
      pids.append(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }
    let listed = try box.run(["list", "--kind", "sysv-mq", "-o", "ID,LSPID,LRPID", "--raw", "--noheadings"])
    #expect(listed.lines == ["\(id) \(pids[0]) \(pids[1])"], "\(listed)")
    let lsipc = try box.runInside(["/usr/bin/lsipc", "-q", "-o", "ID,LSPID,LRPID", "--raw", "--noheadings"])
    #expect(listed.lines == lsipc.lines, "\(lsipc)")
  }

  /// COMMAND: the creator's command line while it runs, as lsipc shows it; "-" once it ends.
  @Test func segmentCommandIsLsipcs() throws {
    let scratch = try TemporaryDirectory()
    try scratch.write("segment.py", Self.segmentScript, mode: 0o644)
    let box = try Sandbox()
    let creator = try RunningProgram(
      "/usr/bin/nsenter",
      ["--target", String(box.pid), "--ipc", "--mount", "--", "/usr/bin/python3", scratch.file("segment.py"), "--keep"])
    var running = true
    defer { if running { creator.stop() } }  // stop waits for the end it reaps: once only
    try #require(waitUntil { creator.outputSoFar.contains("made") }, "no segment: \(creator.outputSoFar)")
    let listed = try box.run(["list", "--kind", "sysv-shm", "-o", "ID,COMMAND", "--raw", "--noheadings"])
    #expect(listed.lines.first?.hasSuffix("/segment.py\\x20--keep") == true, "\(listed)")
    let lsipc = try box.runInside(["/usr/bin/lsipc", "-m", "-o", "ID,COMMAND", "--raw", "--noheadings"])
    #expect(listed.lines == lsipc.lines, "\(lsipc)")
    creator.stop()
    running = false
    #expect(waitUntil { (try? box.run(["list", "--kind", "sysv-shm", "-o", "COMMAND", "--noheadings"]).lines) == ["-"] })
  }

  /// NAME, MTIME and SVAL (lsipc 2.43's POSIX columns): the name, the file's time, the value.
  @Test func posixColumnsShowNameTimeAndValue() throws {
    let box = try Sandbox()
    let name = box.name("sem")
    try #require(try box.run(["create", "posix-sem", name, "--value", "5"]).status == 0)
    let listed = try box.run(["list", "--kind", "posix-sem", "-o", "NAME,MTIME,SVAL", "--time-format", "unix", "--raw", "--noheadings"])
    var status = stat()
    try #require(stat(box.shmDirectory + "/sem." + String(name.dropFirst()), &status) == 0)
    #expect(listed.lines == ["\(name) \(status.st_mtim.tv_sec) 5"], "\(listed)")
  }
}
