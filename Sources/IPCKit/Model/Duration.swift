/// Ages as users type them: 30s, 10m, 2h, 7d.
public enum AgeText {
  /// Seconds, or nil if not a whole number followed by s, m, h or d.
  public static func seconds(_ text: String) -> Int? {
    guard let unit = text.last, let number = Int(text.dropLast()), number >= 0 else { return nil }
    let scale: Int
    switch unit {
    case "s": scale = 1
    case "m": scale = 60
    case "h": scale = 3600
    case "d": scale = 86400
    default: return nil
    }
    let (value, overflow) = number.multipliedReportingOverflow(by: scale)
    return overflow ? nil : value
  }
}
