import IPCKit
import Testing

@testable import IPCToolCLI

/// watch's keys and table, without a terminal: what each key does to the view, how rows sort
/// and filter, and that a table fitted to a width never passes it.
@Suite struct WatchViewTests {
  static let columns = ["ref", "size", "in"].compactMap(WatchColumn.named)

  static func row(_ name: String, size: UInt64, rate: Double?) throws -> WatchRow {
    let object = IPCObjectInfo(
      .named(try IPCName(parsing: name)), uid: 0, gid: 0, permissions: .init(rawValue: 0o600),
      details: .posixSharedMemory(PosixSegmentDetails(size: size, residentBytes: 0)))
    var delta = ObjectDelta(seconds: 2)
    delta.messagesIn = rate
    return WatchRow(object: object, namespace: nil, mark: .present, delta: delta)
  }

  static var context: ListContext { ListContext(users: UserNames(), exactBytes: true) }

  @Test func keysChangeTheView() {
    var view = WatchView()
    #expect(view.press(Array(">".utf8), columnCount: 3) == .redraw && view.sortColumn == 0)
    #expect(view.press(Array("ss".utf8), columnCount: 3) == .redraw && view.sortColumn == 2)
    #expect(view.press(Array(">".utf8), columnCount: 3) == .redraw && view.sortColumn == nil)
    #expect(view.press(Array("<".utf8), columnCount: 3) == .redraw && view.sortColumn == 2)
    #expect(view.press(Array("r".utf8), columnCount: 3) == .redraw && view.reversed)
    // An arrow key is one sequence, skipped whole: its "A" is no key.
    #expect(view.press([0x1B, 0x5B, 0x41], columnCount: 3) == .nothing)
    #expect(view.press(Array("/ab".utf8), columnCount: 3) == .redraw && view.editing == "ab")
    #expect(view.press([0x7F], columnCount: 3) == .redraw && view.editing == "a")
    #expect(view.press([0x0D], columnCount: 3) == .redraw && view.filter == "a" && view.editing == nil)
    #expect(view.filterBytes == Array("/a".utf8))
    // Esc leaves the filter as it was; q typed into the filter is a letter, outside it quits.
    _ = view.press(Array("/q".utf8) + [0x1B], columnCount: 3)
    #expect(view.filter == "a" && view.editing == nil)
    #expect(view.press(Array(" ".utf8), columnCount: 3) == .refresh)
    #expect(view.press(Array("q".utf8), columnCount: 3) == .quit)
    // A filter that is no escaped name is refused, and said why.
    _ = view.press(Array("/x\\".utf8) + [0x0D], columnCount: 3)
    #expect(view.filter == nil && view.problem != nil)
  }

  @Test func ratesSortHighestFirstUnknownLast() throws {
    let rows = [
      try Self.row("/a", size: 3, rate: 1), try Self.row("/b", size: 1, rate: nil),
      try Self.row("/c", size: 2, rate: 5), try Self.row("/d", size: 2, rate: 1),
    ]
    var view = WatchView()
    func names(_ rows: [WatchRow]) -> [String] { rows.map { $0.object.name?.description ?? "?" } }
    view.sortColumn = 2
    #expect(names(view.arrange(rows, columns: Self.columns) { _ in Self.context }) == ["/c", "/a", "/d", "/b"])
    view.reversed = true
    #expect(names(view.arrange(rows, columns: Self.columns) { _ in Self.context }) == ["/a", "/d", "/c", "/b"])
    view = WatchView()
    view.sortColumn = 1  // sizes lowest first, ties in listing order
    #expect(names(view.arrange(rows, columns: Self.columns) { _ in Self.context }) == ["/b", "/c", "/d", "/a"])
    view.filter = "c"
    #expect(names(view.arrange(rows, columns: Self.columns) { _ in Self.context }) == ["/c"])
  }

  @Test func aFittedTableNeverPassesItsWidth() throws {
    var table = WatchTable(columns: ["ref", "owner", "size", "in", "out", "net"].compactMap(WatchColumn.named))
    table.droppable = ["owner"]
    let rows = [try Self.row("/" + String(repeating: "n", count: 60), size: 1, rate: 2.5)]
    func text(_ buffers: [ByteBuffer]) -> [String] {
      buffers.flatMap { $0.string.split(separator: "\n").map(String.init) }
    }
    let wide = text(table.lines(rows[...], width: nil, contexts: [nil: Self.context]))
    #expect(wide[0].split(separator: " ") == ["REF", "OWNER", "SIZE", "IN/S", "OUT/S", "NET/S"])
    for width in [20, 40, 80] {
      let lines = text(table.lines(rows[...], width: width, contexts: [nil: Self.context]))
      #expect(lines.allSatisfy { displayWidth($0) <= width }, "\(width): \(lines)")
      // At 80 the name is cut instead; narrower, where even a cut REF leaves no room, OWNER
      // gives way first.
      #expect(lines[0].contains("OWNER") == (width == 80), "\(width): \(lines)")
    }
  }

  /// A pipe's table (written as bytes, every row, nothing cut) is the terminal's when the
  /// terminal is wide enough for all of it, line for line: marks, wide characters, right- and
  /// left-aligned cells, rows of two namespaces. Its last column right-aligned, every line is
  /// as wide as the header.
  @Test func aPipesTableIsAWideTerminalsTable() throws {
    let table = WatchTable(
      columns: ["namespace", "ref", "size", "owner", "in", "change"].compactMap(WatchColumn.named))
    var rows = [
      try Self.row("/a", size: 3, rate: 1), try Self.row("/漢字", size: 123_456, rate: nil),
      try Self.row("/b\\xff", size: 0, rate: 12.5), try Self.row("/c", size: 7, rate: 250),
    ]
    rows[1].mark = .new
    rows[2].mark = .gone
    rows[2].delta = nil
    rows[3].namespace = NamespaceTag(inode: 4_026_531_839, container: "host")
    var other = Self.context
    other.namespace = 4_026_531_839
    let contexts: [UInt64?: ListContext] = [nil: Self.context, 4_026_531_839: other]
    func text(_ buffers: [ByteBuffer]) -> [String] {
      buffers.flatMap { buffer in
        buffer.string.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
          .map(String.init)
      }
    }
    let pipe = text(table.lines(rows[...], width: nil, contexts: contexts))
    let terminal = text(table.lines(rows[...], width: 500, contexts: contexts))
    #expect(pipe == terminal)
    #expect(pipe.count == 5, "\(pipe)")
    #expect(pipe.allSatisfy { displayWidth($0) == displayWidth(pipe[0]) }, "\(pipe)")
    #expect(pipe[2].hasPrefix("+ -") && pipe[3].hasPrefix("- -"), "\(pipe)")
    #expect(pipe[4].hasPrefix("  4026531839"), "\(pipe)")
  }

  /// A table takes again the cells of an object unchanged in its place since the table
  /// before, and only those: a changed object, or another in its place, has its cells made
  /// anew, as a new table would make them.
  @Test func aRefreshMakesTheCellsOfChangedObjectsAgain() throws {
    let columns = ["ref", "size", "owner", "in"].compactMap(WatchColumn.named)
    let table = WatchTable(columns: columns)
    func text(_ buffers: [ByteBuffer]) -> [String] { buffers.map(\.string) }
    var rows = [
      try Self.row("/a", size: 3, rate: 1), try Self.row("/b", size: 1, rate: 2),
      try Self.row("/c", size: 5, rate: nil),
    ]
    let first = text(table.lines(rows[...], width: nil, contexts: [nil: Self.context]))
    rows[0] = try Self.row("/a", size: 4096, rate: 1)
    rows[1] = try Self.row("/d", size: 1, rate: 7)
    rows[2].mark = .gone
    let second = text(table.lines(rows[...], width: nil, contexts: [nil: Self.context]))
    let fresh = text(
      WatchTable(columns: columns).lines(rows[...], width: nil, contexts: [nil: Self.context]))
    #expect(second == fresh)
    #expect(second != first)
    #expect(second.joined().contains("4096"), "\(second)")
    #expect(second.joined().contains("posix-shm:/d"), "\(second)")
  }

  /// One long name (anyone may make one in /dev/shm) must not push the other columns off: REF
  /// gets what they leave, its cells cut with "…" at a whole character or escape (\\xff stays
  /// whole); only when even a short REF does not fit do columns go, IDLE before OWNER.
  @Test func aLongNameIsCutNotTheOtherColumns() throws {
    let table = WatchTable(
      columns: WatchColumn.defaultNames.compactMap(WatchColumn.named),
      droppable: ["idle", "owner", "usage", "container"])
    func text(_ buffers: [ByteBuffer]) -> [String] {
      buffers.flatMap { $0.string.split(separator: "\n").map(String.init) }
    }
    let long = try IPCName(bytes: Array("/".utf8) + Array(repeating: UInt8(ascii: "L"), count: 250))
    let hostile = try IPCName(bytes: Array("/".utf8) + Array(repeating: 0xFF, count: 120))
    let wide = try IPCName(bytes: Array(("/" + String(repeating: "漢", count: 80)).utf8))
    for name in [long, hostile, wide] {
      let rows = [try Self.row(name.description, size: 1, rate: 2.5), try Self.row("/s", size: 1, rate: 1)]
      let all: [Substring] = ["REF", "OWNER", "SIZE", "USAGE", "IN/S", "OUT/S", "NET/S", "CHANGE", "IDLE"]
      let at120 = text(table.lines(rows[...], width: 120, contexts: [nil: Self.context]))
      #expect(at120[0].split(separator: " ") == all, "\(at120)")
      let at60 = text(table.lines(rows[...], width: 60, contexts: [nil: Self.context]))
      let header = at60[0].split(separator: " ")
      #expect(header.contains("IN/S") && header.contains("CHANGE") && !header.contains("IDLE"), "\(at60)")
      for lines in [at120, at60] {
        #expect(lines.allSatisfy { displayWidth($0) <= (lines == at120 ? 120 : 60) }, "\(lines)")
        // The cut REF: at least 20 columns, ending in "…" after a whole escape or character.
        let ref = try #require(lines[1].dropFirst(2).split(separator: " ").first.map(String.init))
        #expect(ref.hasSuffix("…") && displayWidth(ref) >= 20, "\(lines)")
        let kept = ref.dropLast()
        #expect(String(kept) == String(("posix-shm:" + name.description).prefix(kept.count)), "\(ref)")
        #expect(kept.hasSuffix("\\xff") || !kept.contains("\\"), "an escape cut: \(ref)")
        #expect(lines[2].contains("posix-shm:/s "), "a short name stays whole: \(lines)")
      }
    }
  }

  /// --interval reads times as --older-than does, up to days, within 0.1s and a day, and
  /// says that range when a time is out of it.
  @Test func intervalsRunFromATenthOfASecondToADay() throws {
    let read: [(String, Double?)] = [
      ("500ms", 0.5), ("2", 2), ("2s", 2), ("1.5m", 90), ("1h", 3600), ("24h", 86400),
      ("1d", 86400), ("0.05s", nil), ("25h", nil), ("2d", nil), ("h", nil), ("-1h", nil),
    ]
    for (text, seconds) in read { #expect(WatchCommand.seconds(text) == seconds, "\(text)") }
    let parsed = try ArgumentParser(command: WatchCommand.spec).parse(["--interval", "25h"])
    do {
      _ = try parsed.value(WatchCommand.interval)
      Issue.record("25h was taken")
    } catch {
      #expect(error.line.contains("from 0.1s to 24h"), "\(error.line)")
    }
  }
}
