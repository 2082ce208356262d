import Foundation
import TestSupport
import Testing

/// `ipctool memory` takes list's selectors: the objects chosen are shown, every other byte is
/// summed in `not_selected`, and the table still adds up to Shmem (issue #27).
@Suite(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"))
struct MemorySelectorTests {
  static let mb = 1 << 20

  @Test(.otherUsersCanRunTheTool) func selectorsChooseRowsAndTheRestIsSummed() throws {
    let box = try Sandbox()
    let first = box.name("a")
    let second = box.name("b")
    // Two /dev/shm objects whose pages are written (1 MB and 2 MB), two segments of two owners.
    let written = try box.runInside([
      "/bin/sh", "-c",
      "head -c \(Self.mb) /dev/zero > /dev/shm\(first) && head -c \(2 * Self.mb) /dev/zero"
        + " > /dev/shm\(second)",
    ])
    try #require(written.status == 0, "\(written)")
    let rootSegment = try Self.segment(box.run(["create", "sysv-shm", "--key", "0x5e1001", "--size", "64K"]))
    let otherSegment = try Self.segment(
      box.run(["create", "sysv-shm", "--key", "0x5e1002", "--size", "64K"], as: 65534))

    // No selector: every row, and no not-selected bytes.
    #expect(try Self.account(box, [])["not_selected"] is NSNull)

    // A prefix: only that object's row; the other file's pages are in not_selected.
    let byPrefix = try Self.account(box, ["--prefix", first])
    let rows = try #require(byPrefix["rows"] as? [[String: Any]])
    #expect(rows.count == 1 && rows.first?["kind"] as? String == "posix-shm", "\(rows)")
    #expect(rows.first?["name"] as? String == first, "\(rows)")
    let bytes = rows.first?["bytes"] as? Int ?? -1
    #expect(abs(bytes - Self.mb) <= 4096, "\(rows)")
    #expect((byPrefix["not_selected"] as? Int ?? 0) >= 2 * Self.mb, "\(byPrefix)")
    try Self.expectSum(byPrefix)

    // A kind: only segments, both of ours (the namespace is the test's own).
    let byKind = try Self.account(box, ["--kind", "sysv-shm"])
    let kinds = Set((byKind["rows"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String })
    #expect(kinds == ["sysv-shm"], "\(byKind)")
    #expect(Self.ids(byKind) == [rootSegment, otherSegment], "\(byKind)")
    try Self.expectSum(byKind)

    // An owner, by uid: only that user's segment.
    let byOwner = try Self.account(box, ["--kind", "sysv-shm", "--owner", "65534"])
    #expect(Self.ids(byOwner) == [otherSegment], "\(byOwner)")
    try Self.expectSum(byOwner)
    #expect(Self.ids(try Self.account(box, ["--kind", "sysv", "--owner", "0"])) == [rootSegment])

    // The table says where the rest went.
    let table = try box.run(["memory", "--prefix", first])
    #expect(table.lines.contains { $0.hasPrefix("not selected ") }, "\(table)")
    #expect(table.lines.contains { $0.hasPrefix("posix-shm:\(first) ") }, "\(table)")

    // Processes and cgroups are no objects: a selector with --by is refused in one line.
    let refused = try box.run(["memory", "--by", "process", "--prefix", first])
    #expect(refused.status == 2 && refused.stderr.contains("not with '--by'"), "\(refused)")
  }

  /// The selected rows and not_selected add up to explained, and with unexplained to Shmem.
  static func expectSum(
    _ document: [String: Any], sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let rows = document["rows"] as? [[String: Any]] ?? []
    let selected = rows.reduce(0) { $0 + ((($1["bytes"] ?? $1["resident"]) as? Int) ?? 0) }
    let notSelected = try #require(document["not_selected"] as? Int)
    let explained = try #require(document["explained"] as? Int)
    let unexplained = try #require(document["unexplained"] as? Int)
    let shmem = try #require(document["shmem"] as? Int)
    #expect(
      selected + notSelected == explained && explained + unexplained == shmem,
      "\(selected) + \(notSelected) vs \(explained); \(unexplained), \(shmem)",
      sourceLocation: sourceLocation)
  }

  static func account(_ box: Sandbox, _ selectors: [String]) throws -> [String: Any] {
    let run = try box.run(["memory", "--json"] + selectors)
    try #require(run.status == 0, "\(run)")
    return try #require(
      try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run)")
  }

  static func ids(_ document: [String: Any]) -> Set<Int> {
    Set((document["rows"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int })
  }

  /// The id `create` printed ("sysv-shm:ID").
  static func segment(_ made: ToolRun) throws -> Int {
    try #require(
      Int(made.stdout.split(separator: ":").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""),
      "\(made)")
  }
}
