import Foundation
import TestSupport
import Testing

/// `ipctool limits`: values from the namespace's own sysctls, and their use.
@Suite(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"))
struct LimitsTests {
  @Test(.otherUsersCanRunTheTool) func reportsValuesUseAndWhereEachIsSet() throws {
    let box = try Sandbox()
    _ = try box.runInside(["/bin/sh", "-c", "echo 7 > /proc/sys/kernel/msgmni"])
    _ = try box.run(["create", "sysv-mq"])
    _ = try box.run(["create", "sysv-sem", "--count", "5"])
    _ = try box.run(["create", "posix-mq", "/q"])
    let run = try box.run(["limits", "--json"])
    #expect(run.status == 0)
    let document = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
    let limits = try #require(document?["limits"] as? [[String: Any]])
    func row(_ name: String) -> [String: Any]? { limits.first { $0["name"] as? String == name } }
    #expect(row("msgmni")?["value"] as? Int == 7 && row("msgmni")?["used"] as? Int == 1)
    #expect(row("msgmni")?["set_by"] as? String == "kernel.msgmni")
    #expect(row("semmns")?["used"] as? Int == 5)
    #expect(row("queues_max")?["used"] as? Int == 1)
    #expect(row("shmall")?["unlimited"] as? Bool == true)
    #expect(row("shm_size")?["value"] as? Int == 64 << 20)
    let table = try box.run(["limits"])
    #expect(table.lines.contains { $0.hasPrefix("shmmax") && $0.contains("unlimited") })
    // Without the mqueue filesystem, queue use is unknown, not zero.
    let blind = try Sandbox(mountMqueue: false).run(["limits", "--json"], as: 65534)
    #expect(blind.stdout.contains("\"name\": \"queues_max\"") && blind.stderr.contains("not mounted"))
    let blindRows = try JSONSerialization.jsonObject(with: Data(blind.stdout.utf8)) as? [String: Any]
    let queues = (blindRows?["limits"] as? [[String: Any]])?.first { $0["name"] as? String == "queues_max" }
    #expect(queues?["used"] is NSNull)
  }

  /// Only what runs out is weighed: a queue made with the default length is at msg_max, a cap
  /// on each queue, and nothing is short; a pool at 90 % or more is flagged. Numbers line up
  /// on the right.
  @Test func onlyWhatIsRunningOutIsFlagged() throws {
    let box = try Sandbox()
    _ = try box.runInside(["/bin/sh", "-c", "echo 2 > /proc/sys/kernel/msgmni"])
    for _ in 0..<2 { _ = try box.run(["create", "sysv-mq"]) }
    _ = try box.run(["create", "posix-mq", "/default_length"])
    let table = try box.run(["limits"])
    func row(_ name: String) -> String { table.lines.first { $0.hasPrefix(name + " ") } ?? "" }
    /// Where each whitespace-separated field of a line ends.
    func ends(_ line: String) -> [Int] {
      var ends: [Int] = []
      let characters = Array(line)
      for index in characters.indices where characters[index] != " "
        && (index + 1 == characters.count || characters[index + 1] == " ") { ends.append(index) }
      return ends
    }
    func fields(_ name: String) -> [String] { row(name).split(separator: " ").map(String.init) }
    #expect(fields("msgmni").prefix(4) == ["msgmni", "2", "2", "100%!"], "\(table)")
    #expect(fields("msg_max").prefix(4) == ["msg_max", "10", "10", "-"], "\(table)")
    #expect(fields("queues_max").prefix(4) == ["queues_max", "256", "1", "0%"], "\(table)")
    // VALUE, USED and USE% end where their headers end.
    let header = ends(table.lines[0])
    for name in ["msg_max", "queues_max", "shmmax", "semmni"] {  // ("100%!" ends a column further)
      #expect(Array(ends(row(name))[1...3]) == Array(header[1...3]), "\(name): \(table)")
    }
    let json = try box.run(["limits", "--json"]).stdout
    #expect(json.contains("\"name\": \"msg_max\", \"description\": \"messages in one POSIX queue (unprivileged)\", \"value\": 10, \"unlimited\": false, \"used\": 10, \"fraction_used\": null, \"per_object\": true, \"near_limit\": false"), "\(json)")
  }

  /// Byte limits read as list's sizes do (the sandbox's /dev/shm: 64M, not 67108864), exact
  /// with --bytes and in JSON; RLIMIT_MSGQUEUE says its use counts this namespace's queues.
  @Test func bytesAreHumanisedUnlessAskedExact() throws {
    let box = try Sandbox()
    let table = try box.run(["limits"])
    func fields(_ run: ToolRun, _ name: String) -> [String] {
      (run.lines.first { $0.hasPrefix(name + " ") } ?? "").split(separator: " ").map(String.init)
    }
    #expect(fields(table, "shm_size").prefix(2) == ["shm_size", "64M"], "\(table)")
    #expect(fields(table, "msgmax").prefix(2) == ["msgmax", "8.0K"], "\(table)")
    #expect(fields(table, "msgmni").prefix(2) == ["msgmni", "32000"], "\(table)")  // a count
    let exact = try box.run(["limits", "--bytes"])
    #expect(fields(exact, "shm_size").prefix(2) == ["shm_size", "67108864"], "\(exact)")
    let json = try box.run(["limits", "--json"]).stdout
    #expect(json.contains("\"name\": \"shm_size\", \"description\": \"bytes of POSIX shared memory in /dev/shm\", \"value\": 67108864"), "\(json)")
    #expect(table.lines.contains { $0.hasPrefix("RLIMIT_MSGQUEUE") && $0.contains("(USED: this namespace's, about)") })
  }
}
