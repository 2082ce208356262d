import Foundation
import TestSupport
import Testing

/// A queue holding a message nobody has received is data: a selector that names no object
/// keeps it, and a name or prefix that removes it says how many messages went with it (the
/// bug report: a server's queue, its descriptor closed, lost its message to `clean --all`).
@Suite(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"))
struct CleanQueueDataTests {
  @Test func aQueueHoldingAMessageIsKeptByBroadSelectorsAndNamedItSaysWhatWent() throws {
    let box = try Sandbox()
    let full = box.name("full"), empty = box.name("empty")
    box.plainPosixQueue(full, maxMessages: 4, messageSize: 16, messages: ["job"])
    box.plainPosixQueue(empty, maxMessages: 4, messageSize: 16, messages: [])

    for selector in [["--all"], ["--kind", "posix-mq"], ["--owner", "root"], ["--older-than", "0s"]] {
      let run = try box.run(["clean", "--dry-run"] + selector)
      #expect(run.stdout.contains(
        "kept         posix-mq:\(full): holds 1 message nobody has received (a name, a prefix or --force removes it)"),
        "\(selector): \(run)")
      #expect(run.stdout.contains("would remove posix-mq:\(empty)\n"), "\(selector): \(run)")
    }
    let dry = try box.run(["clean", "--dry-run", "--prefix", full])
    #expect(dry.lines.first == "would remove posix-mq:\(full): 1 message in it would go too", "\(dry)")
    let broad = try box.run(["clean", "--all", "--json"])
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(broad.stdout.utf8)) as? [String: Any])
    let items = try #require(document["objects"] as? [[String: Any]])
    let kept = try #require(items.first { $0["ref"] as? String == "posix-mq:\(full)" })
    #expect(kept["why"] as? String == "holds_messages" && kept["messages"] as? Int == 1, "\(kept)")
    let left = try box.run(["list", "--kind", "posix-mq", "-o", "ref", "--no-headings"])
    #expect(left.lines == ["posix-mq:\(full)"], "\(left)")

    let named = try box.run(["clean", "--prefix", full, "--json"])
    let removed = try #require(
      (try JSONSerialization.jsonObject(with: Data(named.stdout.utf8)) as? [String: Any])?["objects"]
        as? [[String: Any]])
    #expect(removed.first?["action"] as? String == "removed" && removed.first?["messages"] as? Int == 1, "\(named)")
    #expect(removed.first?["reason"] as? String == "1 message in it went too", "\(named)")
    box.plainPosixQueue(full, maxMessages: 4, messageSize: 16, messages: ["a", "b"])
    let text = try box.run(["clean", "posix-mq:\(full)"])
    #expect(text.lines.first == "removed  posix-mq:\(full): 2 messages in it went too", "\(text)")
  }
}
