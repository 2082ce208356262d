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
      #expect(!lines[0].contains("OWNER"), "OWNER gives way first: \(lines)")
    }
  }
}
