import CIPCShims
import Foundation
import TestSupport
import Testing

/// The kernel records no users of System V queues and semaphore sets, but it records waiters and
/// the last process to use them: clean keeps what a live process is using, and says why.
@Suite(
  .enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"),
  .enabled(if: installed("python3"), "python3 is not installed (it plays the other program)"))
struct CleanEvidenceTests {
  /// Runs a Python program inside the sandbox's namespaces, in the background.
  func python(_ box: Sandbox, _ program: String) throws -> RunningProgram {
    try RunningProgram(
      "/usr/bin/nsenter",
      ["--target", String(box.pid), "--ipc", "--mount", "--", "python3", "-c", program])
  }

  @Test func aSetWithAProcessWaitingInSemopIsKept() throws {
    let box = try Sandbox()
    let set = box.plainSysVSemaphores(values: [0])
    // Takes one from a semaphore at 0: blocks until the set is removed (EIDRM).
    let waiter = try python(box, """
      import ctypes
      libc = ctypes.CDLL(None, use_errno=True)
      class sembuf(ctypes.Structure):
          _fields_ = [("num", ctypes.c_ushort), ("op", ctypes.c_short), ("flg", ctypes.c_short)]
      op = sembuf(0, -1, 0)
      print(libc.semop(\(set), ctypes.byref(op), 1), ctypes.get_errno(), flush=True)
      """)
    defer { waiter.stop() }
    let waiting = waitUntil {
      box.inIPCNamespace { ipcshim_semctl_command(set, 0, GETNCNT) } == 1
    }
    try #require(waiting, "the waiter never blocked")
    let run = try box.run(["clean", "--kind", "sysv-sem"])
    #expect(run.lines == ["kept     sysv-sem:\(set): in use: 1 waiting", "removed 0, kept 1 in use, failed 0"], "\(run)")
    let forced = try box.run(["clean", "--kind", "sysv-sem", "--force"])
    #expect(forced.lines.last == "removed 1, kept 0 in use, failed 0", "\(forced)")
  }

  @Test func aQueueWhoseLastSenderLivesIsKeptAndAStaleOneGoes() throws {
    let box = try Sandbox()
    // This test process sends to one queue and stays alive.
    let live = box.plainSysVQueue(key: 0x515, messages: 1, size: 8)
    // A process that has ended sent to the other: what a crash leaves.
    let stale = box.inIPCNamespace { msgget(IPC_PRIVATE, IPC_CREAT | 0o600) }
    let sender = try python(box, """
      import ctypes
      libc = ctypes.CDLL(None, use_errno=True)
      class message(ctypes.Structure):
          _fields_ = [("type", ctypes.c_long), ("text", ctypes.c_char * 5)]
      print(libc.msgsnd(\(stale), ctypes.byref(message(1, b"hello")), 5, 0), flush=True)
      """)
    let sent = sender.finish()
    try #require(sent.stdout.hasPrefix("0"), "\(sent)")
    let run = try box.run(["clean", "--kind", "sysv-mq"])
    let keptLine = try #require(run.lines.first { $0.hasPrefix("kept") }, "\(run)")
    #expect(keptLine.hasPrefix("kept     sysv-mq:\(live): in use: last send "), "\(run)")
    #expect(keptLine.hasSuffix(" ago by \(getpid()) (\(commandName(getpid()) ?? "?"))"), "\(run)")
    #expect(run.lines.contains("removed  sysv-mq:\(stale)"), "\(run)")
    #expect(run.lines.last == "removed 1, kept 1 in use, failed 0")
  }
}
