/// The one spelling of a System V key a user types, wherever a key is typed (create's and the
/// selectors' `--key`, a reference's `KIND:0xKEY`): `0x` and 1 to 8 hex digits, or a decimal
/// number. Keys are unsigned, as ipcs and `list --json` show them, so 0xdeadbeef is also
/// 3735928559; a negative decimal down to -2147483648 is the same bits, since `key_t` is a C
/// int. ASCII digits only, no sign but that minus, no spaces.
public enum IPCKeyText {
  /// The key `text` spells, as the kernel's signed `key_t`; nil when it spells none. Key 0
  /// (IPC_PRIVATE) is returned: callers that name one object refuse it.
  public static func parse(_ text: some StringProtocol) -> Int32? {
    let utf8 = Array(text.utf8)
    if utf8.count > 2, utf8[0] == UInt8(ascii: "0"), utf8[1] | 0x20 == UInt8(ascii: "x") {
      let digits = utf8.dropFirst(2)
      guard digits.count <= 8, let value = number(digits, radix: 16) else { return nil }
      return Int32(bitPattern: UInt32(value))
    }
    if utf8.first == UInt8(ascii: "-") {
      guard let magnitude = number(utf8.dropFirst(), radix: 10), magnitude <= 1 << 31 else { return nil }
      return Int32(truncatingIfNeeded: -Int64(magnitude))
    }
    guard let value = number(utf8[...], radix: 10), value <= UInt64(UInt32.max) else { return nil }
    return Int32(bitPattern: UInt32(value))
  }

  /// ASCII digits of `radix` (10 or 16) as a number; nil for none, another byte, or more
  /// than a key could hold.
  private static func number(_ digits: ArraySlice<UInt8>, radix: UInt64) -> UInt64? {
    guard !digits.isEmpty, digits.count <= 10 else { return nil }
    var value: UInt64 = 0
    for byte in digits {
      let digit: UInt64
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f") where radix == 16: digit = UInt64(byte - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F") where radix == 16: digit = UInt64(byte - UInt8(ascii: "A") + 10)
      default: return nil
      }
      value = value * radix + digit
    }
    return value
  }
}
