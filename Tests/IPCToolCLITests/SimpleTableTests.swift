import Testing

@testable import IPCToolCLI

/// The small tables (pi, limits, namespaces, memory) line up by terminal columns, as `list`'s
/// does: a container or a memfd named in CJK takes two columns a character.
@Suite struct SimpleTableTests {
  @Test func wideCellsAreCountedByColumns() {
    let table = simpleTable(["NAME", "BYTES"], [["数据库", "1"], ["web", "22"]], rightAligned: [1])
    let lines = table.split(separator: "\n").map(String.init)
    // "数据库" is six columns wide: every BYTES cell ends in the same column.
    #expect(lines == ["NAME    BYTES", "数据库      1", "web        22"])
    #expect(Set(lines.map(displayWidth)).count == 1)
  }
}
