import Glibc
import TestSupport
import Testing

@testable import IPCKit

@Suite struct MqueueParsingTests {
  @Test func readsTheStatusLine() {
    let status = PosixMessageQueue.parseStatus(
      "QSIZE:129        NOTIFY:2     SIGNO:0     NOTIFY_PID:8260  \n")
    #expect(status.bytes == 129)
    #expect(status.notifyPID == 8260)
    #expect(PosixMessageQueue.parseStatus("QSIZE:0 NOTIFY:0 SIGNO:0 NOTIFY_PID:0").notifyPID == nil)
    #expect(PosixMessageQueue.parseStatus("garbage").bytes == nil)
  }

  @Test func findsTheMountPointAndUnescapesIt() throws {
    let root = try TemporaryDirectory()
    try root.write("self/mounts", """
      proc /proc proc rw 0 0
      none /run/my\\040queues mqueue rw,relatime 0 0

      """)
    let paths = IPCPaths(proc: root.path, shm: "/nonexistent")
    #expect(MqueueFilesystem.mountPoint(paths) == "/run/my queues")
  }
}
