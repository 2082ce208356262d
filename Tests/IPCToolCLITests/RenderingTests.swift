import Foundation
@testable import IPCKit
import Testing

@testable import IPCToolCLI

/// Output made from hostile names, without the kernel: the table, JSON, clean's lines, roff.
@Suite struct RenderingTests {
  static func segment(_ bytes: [UInt8], size: UInt64 = 1) throws -> IPCObjectInfo {
    IPCObjectInfo(
      .named(try IPCName(bytes: bytes)), uid: 0, gid: 0, permissions: .init(rawValue: 0o600),
      details: .posixSharedMemory(PosixSegmentDetails(size: size, residentBytes: 0)))
  }

  static let hostile: [[UInt8]] = [
    Array("/evil\nsysv-shm:0  root".utf8), Array("/v".utf8) + [0xFF], Array("/caf\u{E9}".utf8),
    Array("/t\u{1B}]0;x\u{07}".utf8), Array("/c1\u{9B}m".utf8), Array("/del\u{7F}".utf8),
  ]

  /// No C0, DEL or C1 control but the newline, and valid UTF-8.
  static func isSafe(_ text: String) -> Bool {
    text.unicodeScalars.allSatisfy { $0 == "\n" || !($0.value < 0x20 || (0x7F...0x9F).contains($0.value)) }
  }

  @Test func tableRowsAreOneLineEachAndAligned() throws {
    let objects = try Self.hostile.map { try Self.segment($0, size: 2048) }
    let columns = ["ref", "size"].compactMap(ListColumn.named)
    let table = ListTable(
      columns: columns, context: ListContext(users: UserNames(), exactBytes: true), headings: true)
    let text = table.render(cells: [table.cells(objects)]).map(\.string).joined()
    #expect(Self.isSafe(text))
    let lines = text.split(separator: "\n")
    #expect(lines.count == objects.count + 1)
    // Right-aligned sizes end in the same column: every cell is padded by what it shows.
    #expect(Set(lines.map { displayWidth(String($0)) }).count == 1, "\(lines)")
    #expect(lines.contains { $0.hasPrefix("posix-shm:/v\\xff ") })
  }

  /// Wide, emoji and combining names pad by the columns they take, as lsipc's table does.
  @Test func tableAlignsWideAndCombiningNamesByColumns() throws {
    let names = ["/日本", "/e\u{301}", "/😀", "/ascii"]
    let objects = try names.enumerated().map { index, name in
      try Self.segment(Array(name.utf8), size: [1, 22, 333, 4444][index])
    }
    let columns = ["ref", "size", "owner"].compactMap(ListColumn.named)
    let context = ListContext(users: UserNames(), exactBytes: true)
    let table = ListTable(columns: columns, context: context, headings: true)
    let text = table.render(cells: [table.cells(objects)]).map(\.string).joined()
    let owner = UserNames().name(of: 0)
    func line(_ ref: String, _ pad: Int, _ size: String, _ last: String) -> String {
      ref + String(repeating: " ", count: pad) + "  " + String(repeating: " ", count: 4 - size.count)
        + size + "  " + last + "\n"
    }
    #expect(text == line("REF", 13, "SIZE", "OWNER")
      + line("posix-shm:/日本", 1, "1", owner) + line("posix-shm:/e\u{301}", 4, "22", owner)
      + line("posix-shm:/😀", 3, "333", owner) + line("posix-shm:/ascii", 0, "4444", owner))
  }

  @Test func jsonKeepsTheExactBytesAndShowsNoControl() throws {
    let objects = try Self.hostile.map { try Self.segment($0) }
    let fields = ObjectFields(users: UserNames())
    let text = fields.document(lines: [fields.lines(objects, detail: false)]).map(\.string).joined()
    #expect(Self.isSafe(text))
    let document = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    let listed = try #require(document?["objects"] as? [[String: Any]])
    for (object, bytes) in zip(listed, Self.hostile) {
      let hex = bytes.map { String(format: "%02x", $0) }.joined()
      #expect(object["name_hex"] as? String == hex)
      let exact = String(validating: bytes, as: UTF8.self)
      #expect((object["name"] as? String) == exact, "\(object)")
      #expect(object["ref"] as? String == "posix-shm:" + Escaping.escape(bytes))
    }
  }

  @Test func cleanLinesEscapeNamesAndProcessNames() throws {
    let user = ProcessRef(pid: 42, commandBytes: Array("\u{1B}[2Jx".utf8))
    let outcome = Cleaner.Outcome(
      object: try Self.segment(Self.hostile[0]), action: .kept, reason: .inUse(by: [user]))
    let report = CleanReport(json: false)
    report.add(outcome)
    let text = report.document(dryRun: false).map(\.string).joined()
    #expect(text == "kept     posix-shm:/evil\\nsysv-shm:0  root: in use by 42 (\\e[2Jx)\n"
      + "removed 0, kept 1 in use, failed 0\n")
  }

  @Test(arguments: [("-x", "\\-x"), (".x", "\\&.x"), ("'x", "\\&'x"), ("a\\b", "a\\eb")])
  func roffEscapesWhatRoffReads(text: String, expected: String) {
    #expect(roff(text) == expected)
  }
}
