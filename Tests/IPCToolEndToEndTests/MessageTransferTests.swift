import Foundation
import TestSupport
import Testing

/// `send` and `receive` against an independent program (QueuePeer: Python calling the C
/// library), both ways, on POSIX and System V queues in a private namespace: priorities,
/// types, binary bytes (NUL, 0xff), empty messages; and the refusals that change nothing.
@Suite(
  .enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"),
  .enabled(if: QueuePeer.available, "needs python3 for the peer program"))
struct MessageTransferTests {
  static let binary: [UInt8] = [0, 0xff, 0x41, 0x0a, 0, 0x1b]

  @Test func posixMessagesSentByIpctoolArriveInPriorityOrder() throws {
    let box = try Sandbox()
    let queue = box.name("q")
    _ = try box.run(["create", "posix-mq", queue])
    let folder = try TemporaryDirectory()
    FileManager.default.createFile(atPath: folder.file("bin"), contents: Data(Self.binary))
    FileManager.default.createFile(atPath: folder.file("empty"), contents: Data())
    for arguments in [
      ["low"], ["--file", folder.file("bin"), "--priority", "7"],
      ["--file", folder.file("empty"), "--priority", "3"], ["high", "--priority", "9"],
    ] {
      let run = try box.run(["send", queue] + arguments)
      #expect(run.status == 0, "\(run)")
    }
    #expect(try QueuePeer.run(box, ["mq-recv", queue]) == [
      "9 " + QueuePeer.hex(Array("high".utf8)), "7 " + QueuePeer.hex(Self.binary), "3 -",
      "0 " + QueuePeer.hex(Array("low".utf8)),
    ])
  }

  @Test func posixMessagesSentByThePeerAreReceivedExactly() throws {
    let box = try Sandbox()
    let queue = box.name("q")
    _ = try box.run(["create", "posix-mq", queue])
    _ = try QueuePeer.run(box, ["mq-send", queue, "2", QueuePeer.hex(Self.binary), "5", "", "1", "6869"])
    // Raw to a pipe: the bytes exactly, nothing added.
    let first = try box.run(["receive", queue, "--count", "1"])
    #expect(first.status == 0 && first.stdoutBytes.isEmpty, "\(first)")  // the empty one, priority 5
    let rest = try box.run(["recv", queue, "--all", "--json"])
    let objects = try rest.lines.map {
      try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
    }
    #expect(objects.map { $0["priority"] as? Int } == [2, 1])
    #expect(objects.map { Data(base64Encoded: $0["base64"] as? String ?? "").map { [UInt8]($0) } }
      == [Self.binary, Array("hi".utf8)])
    let empty = try box.run(["receive", queue, "--all"])
    #expect(empty.status == 0 && empty.stdoutBytes.isEmpty, "--all of an empty queue: \(empty)")
  }

  @Test func sysvMessagesGoBothWaysWithTypes() throws {
    let box = try Sandbox()
    let reference = try box.run(["create", "sysv-mq"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let id = String(try #require(reference.split(separator: ":").last))
    let folder = try TemporaryDirectory()
    FileManager.default.createFile(atPath: folder.file("bin"), contents: Data(Self.binary))
    for arguments in [["five", "--type", "5"], ["--file", folder.file("bin"), "--type", "2"], ["one"]] {
      let run = try box.run(["send", reference] + arguments)
      #expect(run.status == 0, "\(run)")
    }
    FileManager.default.createFile(atPath: folder.file("empty"), contents: Data())
    #expect(try box.run(["send", reference, "--file", folder.file("empty"), "--type", "9"]).status == 0)
    #expect(try QueuePeer.run(box, ["msg-recv", id]) == [
      "5 " + QueuePeer.hex(Array("five".utf8)), "2 " + QueuePeer.hex(Self.binary),
      "1 " + QueuePeer.hex(Array("one".utf8)), "9 -",
    ])

    _ = try QueuePeer.run(box, ["msg-send", id, "4", "6175", "3", QueuePeer.hex(Self.binary), "7", ""])
    // msgrcv's selection: -5 takes the lowest type up to 5 (3), then 7 by type.
    let lowest = try box.run(["receive", reference, "--type", "-5"])
    #expect(lowest.stdoutBytes == Self.binary, "\(lowest)")
    let seven = try box.run(["receive", reference, "--type", "7", "--json"])
    #expect(seven.stdout == "{\"type\": 7, \"size\": 0, \"base64\": \"\"}\n", "\(seven)")
    let hex = try box.run(["receive", reference, "--hex"])
    #expect(hex.stdout == "6175\n", "\(hex)")
  }

  @Test func anEmptyQueueTimesOutAndNothingChanges() throws {
    let box = try Sandbox()
    let reference = try box.run(["create", "sysv-mq"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    _ = try box.run(["send", reference, "kept", "--type", "2"])
    let run = try box.run(["receive", reference, "--type", "3", "--timeout", "50ms"])
    #expect(run.status == 1)
    #expect(run.stderr == "ipctool: receive \(reference): timed out after 0.05s: no message came\n")
    let nonblock = try box.run(["receive", reference, "--type", "3", "--nonblock"])
    #expect(nonblock.status == 1 && nonblock.stderr == "ipctool: receive \(reference): no message\n")
    #expect(try box.run(["receive", reference, "--nonblock"]).stdout == "kept")
  }

  @Test func aFullQueueAndAnOversizedMessageNameTheLimitAndSendNothing() throws {
    let box = try Sandbox()
    let queue = box.name("q")
    _ = try box.run(["create", "posix-mq", queue, "--max-messages", "1", "--message-size", "8"])
    #expect(try box.run(["send", queue, "one"]).status == 0)
    let full = try box.run(["send", queue, "two", "--nonblock"])
    #expect(full.status == 1)
    #expect(full.stderr == "ipctool: send posix-mq:\(queue): the queue is full: 1 messages (mq_maxmsg)\n")
    let waited = try box.run(["send", queue, "two", "--timeout", "0.05"])
    #expect(waited.status == 1 && waited.stderr.contains("timed out after 0.05s"), "\(waited)")
    _ = try box.run(["receive", queue])
    let large = try box.run(["send", queue, "123456789"])
    #expect(large.status == 1)
    #expect(large.stderr == "ipctool: send posix-mq:\(queue): a message of 9 bytes is larger than the"
      + " queue takes: its mq_msgsize is 8 bytes\n")
    #expect(try QueuePeer.run(box, ["mq-recv", queue]).isEmpty, "nothing was sent")

    let sysv = try box.run(["create", "sysv-mq"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let huge = try box.run(["send", sysv, String(repeating: "a", count: 70000)])
    #expect(huge.status == 1 && huge.stderr.contains("its msg_qbytes is 16384"), "\(huge)")
  }

  @Test func aReferenceToNoQueueIsRefusedAndNothingChanges() throws {
    let box = try Sandbox()
    let segment = try box.run(["create", "sysv-shm", "--size", "8"]).stdout
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let typed = try box.run(["send", segment, "x"])
    #expect(typed.status == 2, "\(typed)")
    #expect(typed.stderr.hasPrefix("ipctool: \(segment) is a sysv-shm, not a message queue"))
    let name = box.name("seg")
    _ = try box.run(["create", "posix-shm", name, "--size", "8"])
    let found = try box.run(["receive", name])
    #expect(found.status == 1)
    #expect(found.stderr == "ipctool: receive \(name): a posix-shm, not a message queue\n")
    let bytes = try #require(FileManager.default.contents(atPath: box.shmDirectory + name))
    #expect([UInt8](bytes) == [UInt8](repeating: 0, count: 8))
  }

  @Test func sigintDuringABlockingReceiveExits130() throws {
    let box = try Sandbox()
    let queue = box.name("q")
    _ = try box.run(["create", "posix-mq", queue])
    let program = try RunningProgram(
      "/usr/bin/nsenter", ["--target", String(box.pid), "--ipc", "--mount", "--", toolPath, "receive", queue])
    var ended: ToolRun?
    defer { if ended == nil { program.stop() } }  // finish may be called once only
    // Its SIGINT handler is in place (SigCgt bit 2) once the wait has begun.
    try #require(waitUntil { signalCaught(SIGINT, by: program.pid) })
    kill(program.pid, SIGINT)
    let run = program.finish(timeout: 60)
    ended = run
    #expect(run.status == 130 && !run.signaled, "\(run)")
    #expect(run.stdout.isEmpty && run.stderr.isEmpty)
  }

  @Test func peekShowsSysVMessagesAndLeavesThemAndRefusesPosixQueues() throws {
    let box = try Sandbox()
    let reference = try box.run(["create", "sysv-mq"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let id = String(try #require(reference.split(separator: ":").last))
    _ = try QueuePeer.run(box, ["msg-send", id, "4", QueuePeer.hex(Self.binary), "2", ""])
    let peek = try box.run(["peek", reference, "--json"])
    if peek.stderr.contains("no MSG_COPY") {
      #expect(peek.status == 1)  // a kernel without CONFIG_CHECKPOINT_RESTORE: said, not faked
    } else {
      #expect(peek.status == 0, "\(peek)")
      #expect(peek.lines == [
        "{\"type\": 4, \"size\": 6, \"base64\": \"AP9BCgAb\"}",
        "{\"type\": 2, \"size\": 0, \"base64\": \"\"}",
      ])
    }
    #expect(try QueuePeer.run(box, ["msg-recv", id]) == ["4 " + QueuePeer.hex(Self.binary), "2 -"])

    let queue = box.name("q")
    _ = try box.run(["create", "posix-mq", queue])
    _ = try box.run(["send", queue, "kept"])
    let posix = try box.run(["peek", queue])
    #expect(posix.status == 1)
    #expect(posix.stderr == "ipctool: peek posix-mq:\(queue): the kernel cannot show a POSIX queue's"
      + " messages without taking them\n")
    #expect(try QueuePeer.run(box, ["mq-recv", queue]) == ["0 " + QueuePeer.hex(Array("kept".utf8))])
  }

  /// msgsnd needs write permission only: a queue the sender may not read is still sent to, and
  /// one it may not write to is refused with the kernel's reason.
  @Test(.otherUsersCanRunTheTool) func aWriteOnlySenderSendsToASysVQueue() throws {
    let box = try Sandbox()
    let reference = try box.run(["create", "sysv-mq", "--mode", "0622"]).stdout
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let sent = try box.run(["send", reference, "from nobody"], as: 65534)
    #expect(sent.status == 0, "\(sent)")
    let taken = try box.run(["receive", reference, "--nonblock"], as: 65534)
    #expect(taken.status == 1 && taken.stderr == "ipctool: receive \(reference): Permission denied\n")
    #expect(try box.run(["receive", reference, "--nonblock"]).stdout == "from nobody")
  }

  /// A message typed with a byte that is not UTF-8 is sent as that byte.
  @Test func aTypedMessageIsSentAsItsBytes() throws {
    let box = try Sandbox()
    let queue = box.name("q")
    _ = try box.run(["create", "posix-mq", queue])
    let run = try box.runInside(["/bin/sh", "-c", "\"$0\" send \"$1\" \"$(printf 'a\\377\\\\x41')\"", toolPath, queue])
    #expect(run.status == 0, "\(run)")
    #expect(try QueuePeer.run(box, ["mq-recv", queue]) == ["0 " + QueuePeer.hex([0x61, 0xff, 0x5c, 0x78, 0x34, 0x31])])
  }
}
