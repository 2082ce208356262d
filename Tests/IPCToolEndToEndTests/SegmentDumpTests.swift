import Foundation
import TestSupport
import Testing

/// `dump` of segments another program (QueuePeer: Python through the C library) wrote, in a
/// private namespace: the bytes exactly, raw and as hexdump -vC lays them out; ranges past the
/// size and references to no segment refused with one line.
@Suite(
  .enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"),
  .enabled(if: QueuePeer.available, "needs python3 for the peer program"))
struct SegmentDumpTests {
  static let written: [UInt8] = [0x48, 0x69, 0, 0xff, 0x1b, 0x5b, 0x32, 0x4a, 0x0a] + Array(repeating: 0x41, count: 20)

  @Test func aPosixSegmentIsDumpedExactly() throws {
    let box = try Sandbox()
    let name = box.name("seg")
    _ = try box.run(["create", "posix-shm", name, "--size", "40"])
    _ = try QueuePeer.run(box, ["posix-shm-write", name, QueuePeer.hex(Self.written)])
    let whole = try box.run(["dump", name])
    #expect(whole.status == 0)
    #expect(whole.stdoutBytes == Self.written + Array(repeating: 0, count: 11), "\(whole)")
    let part = try box.run(["dump", "posix-shm:" + name, "--offset", "2", "--length", "3"])
    #expect(part.stdoutBytes == [0, 0xff, 0x1b], "\(part)")
    let hex = try box.run(["dump", name, "--hex", "--length", "20"])
    #expect(hex.stdout == """
      00000000  48 69 00 ff 1b 5b 32 4a  0a 41 41 41 41 41 41 41  |Hi...[2J.AAAAAAA|
      00000010  41 41 41 41                                       |AAAA|
      00000014

      """, "\(hex)")
  }

  @Test func aSysVSegmentIsDumpedExactly() throws {
    let box = try Sandbox()
    let reference = try box.run(["create", "sysv-shm", "--size", "64"]).stdout
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let id = String(try #require(reference.split(separator: ":").last))
    _ = try QueuePeer.run(box, ["sysv-shm-write", id, QueuePeer.hex(Self.written)])
    let whole = try box.run(["dump", reference])
    #expect(whole.stdoutBytes == Self.written + Array(repeating: 0, count: 35), "\(whole)")
    // The layout is util-linux's own, where it is installed.
    if installed("hexdump") {
      let folder = try TemporaryDirectory()
      FileManager.default.createFile(atPath: folder.file("raw"), contents: Data(whole.stdoutBytes))
      let theirs = try runProgram("/usr/bin/hexdump", ["-v", "-C", folder.file("raw")])
      #expect(try box.run(["dump", reference, "--hex"]).stdout == theirs.stdout)
    }
    let tail = try box.run(["dump", reference, "--offset", "60"])
    #expect(tail.stdoutBytes == [0, 0, 0, 0], "\(tail)")
  }

  @Test func aRangePastTheSizeAndNoSegmentAreRefused() throws {
    let box = try Sandbox()
    let name = box.name("seg")
    _ = try box.run(["create", "posix-shm", name, "--size", "16"])
    let past = try box.run(["dump", name, "--offset", "10", "--length", "7"])
    #expect(past.status == 1 && past.stdout.isEmpty)
    #expect(past.stderr == "ipctool: dump posix-shm:\(name): the range ends past the segment's size, 16 bytes\n")
    let queue = box.name("q")
    _ = try box.run(["create", "posix-mq", queue])
    let found = try box.run(["dump", queue])
    #expect(found.status == 1)
    #expect(found.stderr == "ipctool: dump \(queue): a posix-mq, not a shared memory segment\n")
    let typed = try box.run(["dump", "sysv-sem:0"])
    #expect(typed.status == 2 && typed.stderr.hasPrefix("ipctool: sysv-sem:0 is a sysv-sem, not a shared memory segment"))
  }
}
