import Foundation
import TestSupport
import Testing

/// Real objects with CJK, emoji and combining names: `list`'s table lines them up by the
/// columns a terminal gives them, as lsipc does (each name padded by what it shows, not by
/// its characters or bytes).
@Suite(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"))
struct WideNameTableTests {
  @Test func wideAndCombiningNamesLineUp() throws {
    let box = try Sandbox()
    // Each reference with the columns it takes: 11 for "posix-shm:/", and the name's own.
    let made: [(arguments: [String], reference: String, columns: Int)] = [
      (["posix-shm", "/日本", "--size", "4K"], "posix-shm:/日本", 15),
      (["posix-shm", "/e\u{301}", "--size", "4K"], "posix-shm:/e\u{301}", 12),
      (["posix-shm", "/😀", "--size", "4K"], "posix-shm:/😀", 13),
      (["posix-sem", "/❤\u{FE0F}"], "posix-sem:/❤\u{FE0F}", 13),
      (["posix-mq", "/키"], "posix-mq:/키", 12),
    ]
    for object in made {
      let run = try box.run(["create"] + object.arguments)
      try #require(run.status == 0, "\(run)")
    }
    let table = try box.run(["list", "-o", "ref,owner"])
    #expect(table.status == 0, "\(table)")
    let widest = 15
    let expected = [("REF", 3)] + made.map { ($0.reference, $0.columns) }
    let lines = expected.map { $0.0 + String(repeating: " ", count: widest - $0.1) + "  " + ($0.0 == "REF" ? "OWNER" : "root") }
    #expect(table.lines.first == lines.first, "\(table)")
    #expect(Set(table.lines) == Set(lines), "\(table.lines) vs \(lines)")
  }
}
