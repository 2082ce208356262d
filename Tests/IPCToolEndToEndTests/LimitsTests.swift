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
}
