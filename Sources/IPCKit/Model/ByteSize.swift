/// Byte counts as users type them (4096, 4K, 1M, 2G) and as tables show them (4.0K).
public enum ByteSize {
  static let units: [Character] = ["K", "M", "G", "T", "P", "E"]

  /// Parses a count with an optional binary suffix (K = 1024); "KiB", "KB" read the same.
  public static func parse(_ text: String) -> UInt64? {
    var digits = Substring(text)
    for ending in ["iB", "B"] where digits.count > ending.count && digits.hasSuffix(ending) {
      digits = digits.dropLast(ending.count)
      break
    }
    var multiplier: UInt64 = 1
    if let last = digits.last?.uppercased().first, let index = units.firstIndex(of: last) {
      multiplier = 1 << (10 * UInt64(index + 1))
      digits = digits.dropLast()
    }
    guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let value = UInt64(digits) else {
      return nil
    }
    let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
    return overflow ? nil : product
  }

  /// One decimal, binary units, as `ls -h` prints: 512, 4.0K, 1.5M.
  public static func human(_ bytes: UInt64) -> String {
    let parts = humanParts(bytes)
    guard let unit = parts.unit else { return String(bytes) }
    return parts.tenth.map { "\(parts.whole).\($0)\(unit)" } ?? "\(parts.whole)\(unit)"
  }

  /// What `human` shows, in parts, for a table that writes them as bytes: the whole number,
  /// the tenth (none from 10 up) and the unit (none below 1024, where `whole` is the count).
  public static func humanParts(_ bytes: UInt64) -> (whole: UInt64, tenth: Int?, unit: Character?) {
    guard bytes >= 1024 else { return (bytes, nil, nil) }
    var value = Double(bytes)
    var unit = -1
    while value >= 1024 && unit < units.count - 1 {
      value /= 1024
      unit += 1
    }
    let tenths = (value * 10).rounded()
    let whole = Int(tenths / 10)
    let fraction = Int(tenths) % 10
    return whole >= 10 ? (UInt64(value.rounded()), nil, units[unit]) : (UInt64(whole), fraction, units[unit])
  }
}
