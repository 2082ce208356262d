import CIPCShims
import Foundation
import TestSupport
import Testing

/// Age is time since the last activity, not since the last change of owner or mode.
@Suite(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"))
struct IdleTests {
  @Test func olderThanGoesByTheLastActivity() throws {
    let box = try Sandbox()
    let (busy, idle) = box.inIPCNamespace {
      (msgget(IPC_PRIVATE, IPC_CREAT | 0o600), msgget(IPC_PRIVATE, IPC_CREAT | 0o600))
    }
    // Both made now; three seconds later one gets a message, the other nothing.
    let made = time(nil)
    waitUntil(timeout: 10) { time(nil) >= made + 3 }
    _ = box.inIPCNamespace { () -> Int32 in
      var message: (Int, UInt64) = (1, 42)
      return msgsnd(busy, &message, 8, 0)
    }
    let dry = try box.run(["clean", "--kind", "sysv-mq", "--older-than", "2s", "--force", "--dry-run"])
    #expect(dry.lines == [
      "would remove sysv-mq:\(idle)", "would remove 1, kept 0 in use, failed 0 (dry run: nothing changed)",
    ], "\(dry)")
    let idleDry = try box.run(["clean", "--kind", "sysv-mq", "--idle", "2s", "--force", "--dry-run"])
    #expect(idleDry.lines == dry.lines, "--idle is --older-than: \(idleDry)")
    let listed = try box.run(["list", "--older-than", "2s", "-o", "ref,idle", "--no-headings"])
    #expect(listed.lines.count == 1 && listed.lines.first?.hasPrefix("sysv-mq:\(idle) ") == true, "\(listed)")
    let idleSeconds = Int(listed.lines.first?.split(separator: " ").last?.dropLast() ?? "") ?? -1
    #expect(idleSeconds >= 3, "\(listed)")
    let json = try box.run(["list", "--json"]).objects()
    let activity = json.first { $0["id"] as? Int == Int(busy) }?["last_activity"] as? Int
    #expect(activity.map { $0 >= made + 3 } == true, "\(json)")
  }
}
