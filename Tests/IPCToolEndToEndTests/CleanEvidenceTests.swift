import CIPCShims
import Foundation
import IPCKit
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

  /// The stale queue's fate in time (kept 5 s after its last use, then for its message unless
  /// named) is the clock's: CleanRulesTests decides it with a fixed one, without waiting.
  @Test func aQueueWhoseLastSenderLivesIsKeptAndAStaleOneGoesWhenForced() throws {
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
    #expect(keptLine.hasSuffix(" ago by \(getpid()) (\(shownCommand(getpid()) ?? "?"))"), "\(run)")
    // The stale queue stays too: just used (by a process that has ended), or, after that, for
    // its message under a broad selector.
    let staleLine = try #require(run.lines.first { $0.hasPrefix("kept     sysv-mq:\(stale): ") }, "\(run)")
    #expect(
      staleLine.hasSuffix("ago, by a process that has ended), kept for 5 s (--force removes it)")
        || staleLine.hasSuffix("holds 1 message nobody has received (a name, a prefix or --force removes it)"),
      "\(run)")
    #expect(run.lines.last?.hasPrefix("removed 0, kept 1 in use, 1 ") == true && run.status == 0, "\(run)")
    let named = try box.run(["clean", "sysv-mq:\(stale)", "--force"])
    #expect(named.lines.first == "removed  sysv-mq:\(stale): 1 message in it went too", "\(named)")
  }

  /// Between msgget or semget and the first message or semop the kernel records nothing: a
  /// queue or set nobody has used, made seconds ago, is kept as new; --force takes it.
  @Test func aNewUnusedQueueIsKeptAMoment() throws {
    let box = try Sandbox()
    let queue = box.inIPCNamespace { msgget(IPC_PRIVATE, IPC_CREAT | 0o600) }
    let run = try box.run(["clean", "--kind", "sysv-mq"])
    #expect(run.lines.first?.hasPrefix("kept     sysv-mq:\(queue): new: created ") == true, "\(run)")
    #expect(run.lines.first?.hasSuffix(" ago, not used yet (--force removes it)") == true, "\(run)")
    let forced = try box.run(["clean", "--kind", "sysv-mq", "--force"])
    #expect(forced.lines.last == "removed 1, kept 0 in use, failed 0", "\(forced)")
  }

  /// A segment whose creator lives and has not attached it yet is about to be used.
  @Test func aSegmentItsLiveCreatorHasNotAttachedIsKept() throws {
    let box = try Sandbox()
    let segment = box.plainSysVSegment(size: 4096)
    let run = try box.run(["clean", "--kind", "sysv-shm"])
    #expect(run.lines.first == "kept     sysv-shm:\(segment): in use: created by \(getpid()) (\(shownCommand(getpid()) ?? "?")), not attached yet", "\(run)")
  }
}
