/// Left-aligned columns two spaces apart, for small tables (pi, limits, namespaces, memory),
/// padded by the columns a terminal gives each cell (a container or a memfd may have a CJK
/// name), as `list`'s table is.
func simpleTable(_ headers: [String], _ rows: [[String]], rightAligned: Set<Int> = []) -> String {
  var widths = headers.map(displayWidth)
  for row in rows {
    for (index, cell) in row.enumerated() { widths[index] = max(widths[index], displayWidth(cell)) }
  }
  return ([headers] + rows).map { row in
    row.enumerated().map { index, cell in
      let padding = String(repeating: " ", count: widths[index] - displayWidth(cell))
      if rightAligned.contains(index) { return padding + cell }
      return index == row.count - 1 ? cell : cell + padding
    }.joined(separator: "  ")
  }.joined(separator: "\n") + "\n"
}
