import Foundation
import TestSupport
import Testing

/// create, list, inspect and unlink against real objects of all six kinds.
@Suite(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"))
struct CoreLifecycleTests {
  @Test func createsListsInspectsAndUnlinksEveryKind() throws {
    let box = try Sandbox()
    let shm = box.name("shm"), sem = box.name("sem"), queue = box.name("q")
    let creations: [([String], String)] = [
      (["create", "posix-mq", queue, "--max-messages", "4", "--message-size", "128"], "posix-mq:\(queue)"),
      (["create", "posix-shm", shm, "--size", "8K", "--mode", "0640"], "posix-shm:\(shm)"),
      (["create", "posix-sem", sem, "--value", "3"], "posix-sem:\(sem)"),
      (["create", "sysv-mq", "--key", "0x1e240"], "sysv-mq:0"),
      (["create", "sysv-shm", "--size", "1M", "--key", "0xdeadbeef"], "sysv-shm:0"),
      (["create", "sysv-sem", "--count", "3", "--value", "2", "--key", "777"], "sysv-sem:0"),
    ]
    for (arguments, reference) in creations {
      let run = try box.run(arguments)
      #expect(run.status == 0, "\(run)")
      #expect(run.stdout == reference + "\n")
    }

    let objects = try box.run(["list", "--json"]).objects()
    let byRef = Dictionary(uniqueKeysWithValues: objects.map { ($0["ref"] as! String, $0) })
    #expect(objects.map { $0["kind"] as? String } == [
      "posix-mq", "sysv-mq", "posix-shm", "sysv-shm", "posix-sem", "sysv-sem",
    ])
    let mq = try #require(byRef["posix-mq:\(queue)"])
    #expect(mq["max_messages"] as? Int == 4 && mq["message_size"] as? Int == 128)
    #expect(mq["messages"] as? Int == 0 && mq["name"] as? String == queue)
    #expect(mq["id"] is NSNull && mq["key"] is NSNull)
    let segment = try #require(byRef["posix-shm:\(shm)"])
    #expect(segment["size"] as? Int == 8192 && segment["mode"] as? String == "0640")
    #expect(segment["owner"] as? String == "root" && segment["uid"] as? Int == 0)
    #expect(byRef["posix-sem:\(sem)"]?["value"] as? Int == 3)
    #expect(byRef["sysv-mq:0"]?["key"] as? Int == 123456)
    #expect(byRef["sysv-mq:0"]?["max_bytes"] as? Int == 16384)
    #expect(byRef["sysv-shm:0"]?["size"] as? Int == 1 << 20)
    #expect(byRef["sysv-shm:0"]?["attached"] as? Int == 0)
    // Keys are unsigned, as ipcs prints them: 0xdeadbeef is not -559038737.
    #expect(byRef["sysv-shm:0"]?["key"] as? Int == 3_735_928_559)
    #expect(byRef["sysv-sem:0"]?["semaphores"] as? Int == 3)
    #expect(byRef["sysv-sem:0"]?["key"] as? Int == 777)

    // users is null where the kernel records none (SysV queues and semaphore sets), [] where
    // we looked and found nobody.
    let withUsers = try box.run(["list", "--json", "--users"]).objects()
    let users = Dictionary(uniqueKeysWithValues: withUsers.map { ($0["ref"] as! String, $0["users"]) })
    #expect(users["sysv-mq:0"]! is NSNull && users["sysv-sem:0"]! is NSNull)
    #expect((users["posix-shm:\(shm)"]! as? [Any])?.isEmpty == true)
    #expect((users["sysv-shm:0"]! as? [Any])?.isEmpty == true)

    let table = try box.run(["list", "--kind", "posix-shm", "--bytes"])
    #expect(table.lines.first?.hasPrefix("REF") == true)
    #expect(table.lines.count == 2)
    #expect(table.lines.last?.contains("posix-shm:\(shm)  root   rw-r-----  8192") == true, "\(table)")

    let inspected = try box.run(["inspect", "sysv-sem:0x00000309", "--json"]).objects()
    let states = try #require(inspected.first?["semaphore_states"] as? [[String: Any]])
    #expect(states.map { $0["value"] as? Int } == [2, 2, 2])

    let removal = try box.run(["unlink"] + creations.map(\.1))
    #expect(removal.status == 0, "\(removal)")
    #expect(try box.run(["list", "--json"]).objects().isEmpty)
  }

  @Test func reportsObjectsMadeByOtherPrograms() throws {
    let box = try Sandbox()
    let queueID = box.plainSysVQueue(key: 4242, messages: 3, size: 100)
    let segmentID = box.plainSysVSegment(size: 10000)
    let setID = box.plainSysVSemaphores(values: [5, 0, 9])
    let queue = box.name("q"), segment = box.name("shm"), semaphore = box.name("sem")
    box.plainPosixQueue(queue, maxMessages: 5, messageSize: 64, messages: ["hello", "pi"])
    box.plainPosixSegment(segment, size: 3000, mode: 0o604)
    box.plainPosixSemaphore(semaphore, value: 7)

    let objects = try box.run(["list", "--json"]).objects()
    func find(_ ref: String) -> [String: Any]? { objects.first { $0["ref"] as? String == ref } }
    let sysvQueue = try #require(find("sysv-mq:\(queueID)"))
    #expect(sysvQueue["messages"] as? Int == 3 && sysvQueue["bytes"] as? Int == 300)
    #expect(sysvQueue["mode"] as? String == "0640" && sysvQueue["key"] as? Int == 4242)
    #expect(find("sysv-shm:\(segmentID)")?["size"] as? Int == 10000)
    #expect(find("sysv-sem:\(setID)")?["semaphores"] as? Int == 3)
    let posixQueue = try #require(find("posix-mq:\(queue)"))
    #expect(posixQueue["messages"] as? Int == 2 && posixQueue["bytes"] as? Int == 7)
    #expect(posixQueue["mode"] as? String == "0644")
    #expect(find("posix-shm:\(segment)")?["size"] as? Int == 3000)
    #expect(find("posix-shm:\(segment)")?["mode"] as? String == "0604")
    #expect(find("posix-sem:\(semaphore)")?["value"] as? Int == 7)

    let inspected = try box.run(["inspect", "sysv-sem:\(setID)", "sysv-mq:\(queueID)", "--json"])
    let sets = try inspected.objects()
    #expect((sets.first?["semaphore_states"] as? [[String: Any]])?.map { $0["value"] as? Int } == [5, 0, 9])
    #expect(sets.last?["last_send_pid"] as? Int == Int(getpid()))
  }

  @Test func aBareNameFindsEveryPosixKindAndKindNarrowsIt() throws {
    let box = try Sandbox()
    let name = box.name("both")
    #expect(try box.run(["create", "posix-shm", name, "--size", "1"]).status == 0)
    #expect(try box.run(["create", "posix-sem", name]).status == 0)
    let both = try box.run(["inspect", name, "--json"]).objects()
    #expect(both.map { $0["kind"] as? String } == ["posix-shm", "posix-sem"])
    let text = try box.run(["inspect", name])
    #expect(text.stdout.contains("posix-shm:\(name)\n") && text.stdout.contains("posix-sem:\(name)\n"))
    #expect(try box.run(["unlink", name, "--kind", "posix-sem"]).status == 0)
    let left = try box.run(["list", "--json"]).objects()
    #expect(left.map { $0["ref"] as? String } == ["posix-shm:\(name)"])
  }

  /// Cells are padded by the columns they take, not their bytes, and right-aligned sizes end
  /// under their header.
  @Test func tableColumnsLineUpWithNonASCIINames() throws {
    let box = try Sandbox()
    #expect(try box.run(["create", "posix-shm", "/café", "--size", "1"]).status == 0)
    #expect(try box.run(["create", "posix-shm", "/plain_name", "--size", "2048"]).status == 0)
    let lines = try box.run(["list", "-o", "ref,size,mode"]).lines
    #expect(lines == [
      "REF                    SIZE  MODE",
      "posix-shm:/café           1  rw-------",
      "posix-shm:/plain_name  2.0K  rw-------",
    ])
  }

  @Test func filtersByKindPrefixAndOwner() throws {
    let box = try Sandbox()
    _ = try box.run(["create", "posix-shm", box.name("pi_a"), "--size", "1"])
    _ = try box.run(["create", "posix-shm", box.name("other"), "--size", "1"])
    _ = try box.run(["create", "sysv-sem", "--count", "1"])
    let prefixed = try box.run(["list", "--prefix", String(box.name("pi_").dropFirst()), "--noheadings", "-o", "ref"])
    #expect(prefixed.stdout == "posix-shm:\(box.name("pi_a"))\n")
    #expect(try box.run(["list", "-k", "sem", "--noheadings", "-o", "ref"]).stdout == "sysv-sem:0\n")
    #expect(try box.run(["list", "--owner", "nobody", "--noheadings"]).stdout == "")
    #expect(try box.run(["list", "--owner", "0", "--noheadings", "-o", "ref"]).lines.count == 3)
  }

  @Test func anAttachedSegmentCountsItsUsersAndOutlivesUnlink() throws {
    let box = try Sandbox()
    let id = box.plainSysVSegment(size: 4096)
    let address = box.attach(id)
    // Detached exactly once: a second shmdt of a freed address could detach another test's
    // segment, attached meanwhile at the same address in this same process.
    var detached = false
    defer { if !detached { shmdt(address) } }
    let attached = try box.run(["list", "--json"]).objects()
    #expect(attached.first?["attached"] as? Int == 1)
    #expect(try box.run(["unlink", "sysv-shm:\(id)"]).status == 0)
    // Marked for removal, still there until the last detach, and said so.
    let inspected = try box.run(["inspect", "sysv-shm:\(id)", "--json"]).objects()
    #expect(inspected.first?["marked_for_removal"] as? Bool == true)
    #expect(inspected.first?["key"] as? Int == 0)
    shmdt(address)
    detached = true
    #expect(try box.run(["list", "--json"]).objects().isEmpty)
  }

  @Test func unlinkLeavesAnOpenPosixObjectUsableByItsHolder() throws {
    let box = try Sandbox()
    let name = box.name("held")
    #expect(try box.run(["create", "posix-shm", name, "--size", "4K"]).status == 0)
    // A process holding the segment open keeps using it after its name is gone.
    let script = "exec 3<>/dev/shm\(name); \(toolPath) unlink \(name) && head -c 4096 <&3 | wc -c"
    let held = try box.runInside(["/bin/sh", "-c", script])
    #expect(held.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "4096", "\(held)")
    #expect(try box.run(["list", "--json"]).objects().isEmpty)
  }
}
