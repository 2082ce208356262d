import Foundation
import TestSupport
import Testing

/// `set` changes mode, owner and a System V queue's byte limit, checked by `inspect` and by
/// util-linux `ipcs`; a caller the kernel refuses changes nothing.
@Suite(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"))
struct SetCommandTests {
  static let nobody = "65534"

  /// The one object `inspect --json` tells about `reference`.
  func inspect(_ box: Sandbox, _ reference: String) throws -> [String: Any] {
    let run = try box.run(["inspect", reference, "--json"])
    let top = try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run)")
    return try #require((top["objects"] as? [[String: Any]])?.first, "\(run)")
  }

  func create(_ box: Sandbox, _ arguments: [String]) throws -> String {
    let run = try box.run(["create"] + arguments)
    try #require(run.status == 0, "\(run)")
    return run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  @Test func aSystemVQueueChangesModeOwnerAndByteLimit() throws {
    let box = try Sandbox()
    let queue = try create(box, ["sysv-mq"])
    let before = try inspect(box, queue)
    let limit = try #require(before["max_bytes"] as? Int)
    let run = try box.run(["set", queue, "--mode", "0640", "--owner", "\(Self.nobody):\(Self.nobody)", "--size", "4096"])
    #expect(run.status == 0, "\(run)")
    #expect(run.lines.count == 1 && run.lines[0].hasPrefix("\(queue): 0600 root:") == true, "\(run)")
    #expect(run.lines.first?.contains(" \(limit) bytes -> 0640 ") == true, "\(run)")
    #expect(run.lines.first?.hasSuffix(" 4096 bytes") == true, "\(run)")
    let after = try inspect(box, queue)
    #expect(after["mode"] as? String == "0640")
    #expect(after["uid"] as? Int == 65534 && after["gid"] as? Int == 65534, "\(after)")
    #expect(after["max_bytes"] as? Int == 4096, "\(after)")
    #expect(after["creator_uid"] as? Int == 0, "IPC_SET keeps the creator: \(after)")

    // util-linux's own reading of the kernel's table.
    let id = String(try #require(queue.split(separator: ":").last))
    let ipcs = try box.runInside(["ipcs", "-q"])
    let row = try #require(
      ipcs.lines.map { $0.split(separator: " ").map(String.init) }.first { $0.count > 3 && $0[1] == id },
      "\(ipcs)")
    #expect(row[2] == "nobody" && row[3] == "640", "\(ipcs)")
  }

  @Test func systemVSegmentsAndSetsChangeToo() throws {
    let box = try Sandbox()
    for arguments in [["sysv-shm", "--size", "4096"], ["sysv-sem", "--count", "2"]] {
      let reference = try create(box, arguments)
      let run = try box.run(["set", reference, "--mode", "0660", "--owner", ":" + Self.nobody])
      // The group's name is the machine's (nogroup on Debian, nobody elsewhere).
      #expect(run.status == 0 && run.lines.count == 1, "\(run)")
      #expect(run.lines.first?.hasPrefix("\(reference): 0600 root:root -> 0660 root:") == true, "\(run)")
      let after = try inspect(box, reference)
      #expect(after["mode"] as? String == "0660" && after["gid"] as? Int == 65534, "\(after)")
      #expect(after["uid"] as? Int == 0, "\(after)")
      let size = try box.run(["set", reference, "--size", "1024"])
      #expect(size.status == 2 && size.stdout.isEmpty, "\(size)")
    }
  }

  @Test func aPosixSegmentAndQueueChangeThroughTheirDescriptors() throws {
    let box = try Sandbox()
    let segment = box.name("seg")
    let queue = box.name("q")
    _ = try create(box, ["posix-shm", segment, "--size", "4096"])
    _ = try create(box, ["posix-mq", queue])
    let shm = try box.run(["set", "posix-shm:" + segment, "--mode", "0604", "--owner", Self.nobody])
    #expect(shm.status == 0 && shm.lines.first?.hasSuffix("-> 0604 nobody:root") == true, "\(shm)")
    let mq = try box.run(["set", "posix-mq:" + queue, "--owner", ":" + Self.nobody, "--mode", "0660"])
    #expect(mq.status == 0 && mq.lines.count == 1, "\(mq)")
    let segmentAfter = try inspect(box, "posix-shm:" + segment)
    #expect(segmentAfter["mode"] as? String == "0604" && segmentAfter["uid"] as? Int == 65534, "\(segmentAfter)")
    #expect(segmentAfter["gid"] as? Int == 0, "\(segmentAfter)")
    let queueAfter = try inspect(box, "posix-mq:" + queue)
    #expect(queueAfter["mode"] as? String == "0660" && queueAfter["gid"] as? Int == 65534, "\(queueAfter)")
    #expect(queueAfter["uid"] as? Int == 0, "\(queueAfter)")
    // A semaphore, through its sem. file in /dev/shm.
    let semaphore = box.name("sem")
    _ = try create(box, ["posix-sem", semaphore])
    let sem = try box.run(["set", "posix-sem:" + semaphore, "--mode", "0640"])
    #expect(sem.status == 0, "\(sem)")
    #expect(try inspect(box, "posix-sem:" + semaphore)["mode"] as? String == "0640")
  }

  @Test(.otherUsersCanRunTheTool) func aCallerTheKernelRefusesChangesNothing() throws {
    let box = try Sandbox()
    let queue = try create(box, ["sysv-mq", "--mode", "0666"])
    let segment = box.name("seg")
    _ = try create(box, ["posix-shm", segment, "--size", "1", "--mode", "0644"])
    let sysv = try box.run(["set", queue, "--mode", "0600", "--owner", Self.nobody], as: 65534)
    #expect(sysv.status == 1 && sysv.stdout.isEmpty, "\(sysv)")
    #expect(sysv.stderr == "ipctool: set \(queue): msgctl refused with EPERM (Operation not permitted); nothing changed\n", "\(sysv)")
    let posix = try box.run(["set", "posix-shm:" + segment, "--mode", "0666"], as: 65534)
    #expect(posix.status == 1 && posix.stderr.contains("fchmod refused with EPERM"), "\(posix)")
    let queueAfter = try inspect(box, queue)
    #expect(queueAfter["mode"] as? String == "0666" && queueAfter["uid"] as? Int == 0, "\(queueAfter)")
    let segmentAfter = try inspect(box, "posix-shm:" + segment)
    #expect(segmentAfter["mode"] as? String == "0644" && segmentAfter["uid"] as? Int == 0, "\(segmentAfter)")
  }

  @Test func wrongUseIsOneLine() throws {
    let box = try Sandbox()
    let segment = box.name("seg")
    _ = try create(box, ["posix-shm", segment, "--size", "1"])
    let nothing = try box.run(["set", segment])
    #expect(nothing.status == 2 && nothing.stderr.contains("nothing to set"), "\(nothing)")
    let size = try box.run(["set", segment, "--size", "4096"])
    #expect(size.status == 2 && size.stderr.contains("'--size' is a System V queue's byte limit"), "\(size)")
    let unknown = try box.run(["set", box.name("none"), "--mode", "0600"])
    #expect(unknown.status == 1 && unknown.stderr.split(separator: "\n").count == 1, "\(unknown)")
    let owner = try box.run(["set", segment, "--owner", "no-such-user-here"])
    #expect(owner.status == 2, "\(owner)")
    #expect(try inspect(box, "posix-shm:" + segment)["mode"] as? String == "0600")
  }
}
