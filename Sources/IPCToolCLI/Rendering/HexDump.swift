/// Bytes as `hexdump -vC` shows them (every line, none folded into "*"): offset, 16 bytes in two groups of 8, the printable ASCII
/// between bars (anything else as '.', so no byte reaches a terminal unescaped), and the end
/// offset on a line of its own.
enum HexDump {
  static func lines(_ bytes: [UInt8], from start: Int) -> String {
    var out = ""
    var index = 0
    while index < bytes.count {
      let row = bytes[index..<min(index + 16, bytes.count)]
      out += hex(start + index, width: 8) + " "
      for column in 0..<16 {
        if column == 8 { out += " " }
        out += column < row.count ? " " + hex(Int(row[row.startIndex + column]), width: 2) : "   "
      }
      out += "  |"
      out += String(decoding: row.map { (0x20..<0x7f).contains($0) ? $0 : UInt8(ascii: ".") }, as: UTF8.self)
      out += "|\n"
      index += 16
    }
    return out + hex(start + bytes.count, width: 8) + "\n"
  }

  private static func hex(_ value: Int, width: Int) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }
}
