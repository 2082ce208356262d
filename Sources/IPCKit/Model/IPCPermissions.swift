import Glibc

/// The nine permission bits of an IPC object, as `ls -l` and lsipc show them.
public struct IPCPermissions: OptionSet, Hashable, Sendable, CustomStringConvertible {
  public let rawValue: mode_t
  public init(rawValue: mode_t) { self.rawValue = rawValue & 0o777 }

  public static let ownerRead = IPCPermissions(rawValue: 0o400)
  public static let ownerWrite = IPCPermissions(rawValue: 0o200)
  public static let groupRead = IPCPermissions(rawValue: 0o040)
  public static let groupWrite = IPCPermissions(rawValue: 0o020)
  public static let otherRead = IPCPermissions(rawValue: 0o004)
  public static let otherWrite = IPCPermissions(rawValue: 0o002)

  /// Parses the octal mode users type: "600", "0640". Nil when not octal or above 0777.
  public init?(octal text: String) {
    guard !text.isEmpty, text.count <= 4, let value = mode_t(text, radix: 8), value <= 0o777
    else { return nil }
    self.init(rawValue: value)
  }

  /// "0600". Built from four digits: listings make thousands of these.
  public var octal: String {
    let digits: [UInt8] = [0, (rawValue >> 6) & 7, (rawValue >> 3) & 7, rawValue & 7].map {
      UInt8(ascii: "0") + UInt8($0)
    }
    return String(decoding: digits, as: UTF8.self)
  }

  /// "rw-------".
  public var description: String {
    let letters: [Character] = ["r", "w", "x"]
    var text = ""
    for bit in (0..<9).reversed() {
      text.append(rawValue & (1 << bit) != 0 ? letters[(8 - bit) % 3] : "-")
    }
    return text
  }
}
