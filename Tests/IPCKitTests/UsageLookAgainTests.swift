import Foundation
import TestSupport
import Testing

@testable import IPCKit

/// The kernel counts a segment's attachments; the /proc scan names who. A segment attached
/// after the scan passed its process (x11perf churns segments so) is looked up again before
/// its users show as "?" (#23).
@Suite(
  .enabled(if: getuid() == 0, "needs root for a private IPC namespace"),
  .enabled(if: installed("python3") && installed("unshare"), "python3 or unshare is not installed"))
struct UsageLookAgainTests {
  @Test func aSegmentAttachedAfterTheScanIsLookedUpAgain() throws {
    let folder = try TemporaryDirectory()
    let go = folder.file("go")
    // Waits for the word, then makes a segment and attaches it.
    let attacher = try RunningProgram("/usr/bin/unshare", ["--ipc", "python3", "-c", """
      import ctypes, os, sys, time
      print("ready", file=sys.stderr, flush=True)
      while not os.path.exists(sys.argv[1]):
          time.sleep(0.01)
      libc = ctypes.CDLL(None)
      libc.shmat.restype = ctypes.c_void_p
      id = libc.shmget(0, 4096, 0o1600)
      libc.shmat(id, None, 0)
      print("attached", file=sys.stderr, flush=True)
      time.sleep(600)
      """, go])
    defer { attacher.stop() }
    try #require(waitUntil { attacher.outputSoFar.contains("ready") }, "\(attacher.outputSoFar)")
    let users = try onThread(in: .of(attacher.pid)) { () throws -> [pid_t]? in
      let paths = IPCPaths(shm: "/nonexistent", mqueue: "/nonexistent")
      let report = UsageScanner(context: IPCContext(paths: paths)).scan()  // before the attach
      try folder.write("go", "")
      try #require(waitUntil { attacher.outputSoFar.contains("attached") }, "\(attacher.outputSoFar)")
      let segment = try #require(Inventory(context: IPCContext(paths: paths)).list([.sysvSharedMemory]).objects.first)
      try #require(segment.details.sysvSegment?.attached == 1)
      defer { shmctl(segment.id!, IPC_RMID, nil) }
      return report.users(of: segment)?.map(\.pid)
    }
    #expect(users == [attacher.pid])
  }

  /// No process list at all is no answer: a file's users are unknown, not none.
  @Test func anUnreadableProcListMeansUnknown() throws {
    let shm = try TemporaryDirectory()
    try shm.write("seg", "x")
    let paths = IPCPaths(proc: "/nonexistent", shm: shm.path, mqueue: "/nonexistent")
    let object = try #require(Inventory(context: IPCContext(paths: paths)).list([.posixSharedMemory]).objects.first)
    #expect(UsageScanner(context: IPCContext(paths: paths)).scan().users(of: object) == nil)
  }
}
