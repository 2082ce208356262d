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
    // Both made now; five seconds later one gets a message, the other nothing. Times are whole
    // seconds, so an age read one real second after a message can already be 2: the busy queue
    // is sent to again just before each command, which then has two real seconds to read its
    // clock before the busy queue's age could reach 3 (a loaded machine can take over a second
    // to start a command).
    let made = time(nil)
    waitUntil { time(nil) >= made + 5 }
    func touchBusy() {
      _ = box.inIPCNamespace { () -> Int32 in
        var message: (Int, UInt64) = (1, 42)
        return msgsnd(busy, &message, 8, IPC_NOWAIT)
      }
    }
    touchBusy()
    let dry = try box.run(["clean", "--kind", "sysv-mq", "--older-than", "3s", "--force", "--dry-run"])
    #expect(dry.lines == [
      "would remove sysv-mq:\(idle)", "would remove 1, kept 0 in use, failed 0 (dry run: nothing changed)",
    ], "\(dry)")
    touchBusy()
    let idleDry = try box.run(["clean", "--kind", "sysv-mq", "--idle", "3s", "--force", "--dry-run"])
    #expect(idleDry.lines == dry.lines, "--idle is --older-than: \(idleDry)")
    touchBusy()
    let listed = try box.run(["list", "--older-than", "3s", "-o", "ref,idle", "--no-headings"])
    #expect(listed.lines.count == 1 && listed.lines.first?.hasPrefix("sysv-mq:\(idle) ") == true, "\(listed)")
    let idleSeconds = Int(listed.lines.first?.split(separator: " ").last?.dropLast() ?? "") ?? -1
    #expect(idleSeconds >= 5, "\(listed)")
    let json = try box.run(["list", "--json"]).objects()
    let activity = json.first { $0["id"] as? Int == Int(busy) }?["last_activity"] as? Int
    #expect(activity.map { $0 >= made + 5 } == true, "\(json)")
  }
}
