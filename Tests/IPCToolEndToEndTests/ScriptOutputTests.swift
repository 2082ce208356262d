import Foundation
import TestSupport
import Testing

/// The outputs scripts read (`--raw`, `--pairs`, `--shell`) and the column choice lsipc users
/// bring (`-o REF,OWNER`, `-o +key`), with names made to break them.
@Suite(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"))
struct ScriptOutputTests {
  /// A space, both quotes, a dollar, a command substitution, backticks, a backslash, a newline
  /// and an invalid byte: each must come back as the one cell `list` shows.
  static let hostile: [[UInt8]] = [
    Array("x plain".utf8), Array("x\"q'uote".utf8), Array("x$(touch canary)".utf8),
    Array("x`id`$HOME".utf8), Array("x\\back".utf8), Array("x\nnew".utf8), Array("x".utf8) + [0xFF],
  ]

  func box() throws -> Sandbox {
    let box = try Sandbox()
    for name in Self.hostile { box.segment(named: name) }
    return box
  }

  /// The references `list --json` gives, in listing order.
  func references(_ box: Sandbox) throws -> [String] {
    try box.run(["list", "--json", "--prefix", "/x"]).objects().compactMap { $0["ref"] as? String }
  }

  @Test(.enabled(if: installed("bash"), "bash is not installed"))
  func pairsEvaluateInAShellToTheCellsShown() throws {
    let box = try box()
    let expected = try references(box)
    try #require(expected.count == Self.hostile.count)
    for option in ["--pairs", "--shell"] {
      let run = try box.run(["list", option, "-o", "ref,owner", "--prefix", "/x"])
      #expect(run.status == 0, "\(run)")
      let folder = try TemporaryDirectory()
      try run.stdout.write(toFile: folder.file("pairs"), atomically: false, encoding: .utf8)
      // Each line evaluated by a real shell, in its folder: nothing in a name may run.
      let script = "cd \"$1\"; while IFS= read -r line; do eval \"$line\"; printf '%s|%s\\n' \"$REF\" \"$OWNER\"; done <pairs"
      let shell = try runProgram("/bin/bash", ["--norc", "-c", script, "bash", folder.path])
      #expect(shell.lines == expected.map { $0 + "|root" }, "\(option): \(run.stdout)\n\(shell)")
      #expect(!FileManager.default.fileExists(atPath: folder.file("canary")), "a name ran a command")
    }
  }

  @Test func rawLinesSplitOnSpacesIntoTheirCells() throws {
    let box = try box()
    let expected = try references(box)
    let run = try box.run(["list", "--raw", "-o", "ref,owner,changed", "--prefix", "/x"])
    #expect(run.status == 0, "\(run)")
    #expect(run.lines.first == "REF OWNER CHANGED")
    let rows = run.lines.dropFirst().map { $0.split(separator: " ", omittingEmptySubsequences: false) }
    #expect(rows.allSatisfy { $0.count == 3 }, "\(run.stdout)")
    #expect(rows.map { String($0[0]).replacing("\\x20", with: " ") } == expected, "\(run.stdout)")
    #expect(try box.run(["list", "--raw", "--no-headings", "--prefix", "/x"]).lines.count == expected.count)
  }

  @Test func columnsAreNamedAsLsipcUsersTypeThem() throws {
    let box = try Sandbox()
    box.segment(named: Array("cols".utf8))
    // Any case; '+' adds to the default columns.
    #expect(try box.run(["list", "-o", "REF,Owner"]).lines == ["REF              OWNER", "posix-shm:/cols  root"])
    let added = try box.run(["list", "-o", "+key", "--no-headings"])
    #expect(added.lines.first?.hasPrefix("posix-shm:/cols  root  ") == true && added.lines.first?.hasSuffix("  -") == true, "\(added)")
    // A bad name is named, with the ones there are.
    let bad = try box.run(["list", "-o", "ref,bogus"])
    #expect(bad.status == 2 && bad.stderr.hasPrefix("ipctool: unknown column 'bogus' for '--output'; columns: namespace, container, ref,"), "\(bad)")
    // --json keeps to the columns asked for.
    let json = try box.run(["list", "--json", "-o", "ref,owner"]).objects()
    #expect(json.map { Set($0.keys) } == [["ref", "owner", "uid"]], "\(json)")
    // The users column brings the scan that fills it: "-" (nobody), not "?" (not looked).
    #expect(try box.run(["list", "-o", "ref,users", "--no-headings"]).lines == ["posix-shm:/cols  -"])
    let both = try box.run(["list", "--raw", "--json"])
    #expect(both.status == 2 && both.stderr.contains("'--raw' and '--json' cannot be combined"), "\(both)")
  }
}
