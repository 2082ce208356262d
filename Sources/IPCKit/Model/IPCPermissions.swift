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

  /// "0600". Written as bytes into the String: listings make thousands of these.
  public var octal: String {
    String(unsafeUninitializedCapacity: 4) { text in
      text[0] = UInt8(ascii: "0")
      for digit in 1...3 { text[digit] = UInt8(ascii: "0") + UInt8((rawValue >> (9 - 3 * digit)) & 7) }
      return 4
    }
  }

  /// "rw-------", written the same way.
  public var description: String {
    String(unsafeUninitializedCapacity: 9) { text in
      for bit in 0..<9 {
        let letter: UInt8 = [UInt8(ascii: "r"), UInt8(ascii: "w"), UInt8(ascii: "x")][bit % 3]
        text[bit] = rawValue & (1 << (8 - bit)) != 0 ? letter : UInt8(ascii: "-")
      }
      return 9
    }
  }
}
