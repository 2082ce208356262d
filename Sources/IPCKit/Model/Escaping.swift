/// The one rule by which bytes the user did not type reach a terminal, and by which a word typed
/// back names the same bytes.
///
/// Printable UTF-8 is shown as it is. Shown escaped, as `ls -b` does: the backslash (`\\`), C0
/// controls and DEL (`\t`, `\n`, `\r`, `\e`, else `\xHH`), C1 controls, the bidirectional
/// overrides and isolates and the line and paragraph separators (each byte as `\xHH`: a terminal
/// may act on them, or they may make one line look like another), and every byte that is not part
/// of valid UTF-8 (`\xHH`). `unescape` reverses it, so the escaped form of a name, pasted back as
/// an argument, names exactly that name's bytes.
///
/// The entry points take `[UInt8]`, not generic collections: a generic called from another
/// module runs unspecialized, a protocol call per byte, and listings escape tens of thousands of
/// names.
public enum Escaping {
  /// `bytes` as text safe for a terminal.
  public static func escape(_ bytes: [UInt8]) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    append(bytes, to: &out)
    return String(decoding: out, as: UTF8.self)
  }

  /// A String's bytes escaped (the String may hold controls, such as a process name).
  public static func escape(_ text: String) -> String {
    escape(Array(text.utf8))
  }

  /// True when `escape` would change nothing: the common case, kept cheap.
  public static func isPlain(_ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBufferPointer { bytes in
      for byte in bytes where byte < 0x20 || byte >= 0x7F || byte == UInt8(ascii: "\\") {
        return false
      }
      return true
    }
  }

  /// Appends the escaped form of `bytes` to `out`.
  public static func append(_ input: [UInt8], to out: inout [UInt8]) {
    var index = 0
    while index < input.count {
      let byte = input[index]
      if byte >= 0x20 && byte < 0x7F {
        if byte == UInt8(ascii: "\\") { out.append(byte) }
        out.append(byte)
        index += 1
        continue
      }
      let length = validSequenceLength(input, at: index)
      guard length > 0 else {  // a control, DEL, or a byte that is not valid UTF-8
        appendEscaped(byte, to: &out)
        index += 1
        continue
      }
      let sequence = input[index..<index + length]
      if isHidden(scalar(sequence)) {
        for part in sequence { appendHex(part, to: &out) }
      } else {
        out.append(contentsOf: sequence)
      }
      index += length
    }
  }

  /// The bytes an escaped word stands for; the word's own bytes where it has no backslash.
  public static func unescape(_ text: String) throws(EscapeError) -> [UInt8] {
    let input = Array(text.utf8)
    var out: [UInt8] = []
    out.reserveCapacity(input.count)
    var index = 0
    while index < input.count {
      let byte = input[index]
      index += 1
      guard byte == UInt8(ascii: "\\") else {
        out.append(byte)
        continue
      }
      guard index < input.count else { throw .trailingBackslash(text) }
      let letter = input[index]
      index += 1
      switch letter {
      case UInt8(ascii: "\\"): out.append(letter)
      case UInt8(ascii: "a"): out.append(0x07)
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "v"): out.append(0x0B)
      case UInt8(ascii: "f"): out.append(0x0C)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "e"): out.append(0x1B)
      case UInt8(ascii: "x"):
        guard index + 2 <= input.count, let high = hexValue(input[index]),
          let low = hexValue(input[index + 1])
        else { throw .badHex(text) }
        out.append(high << 4 | low)
        index += 2
      default: throw .unknown(text, Character(Unicode.Scalar(letter)))
      }
    }
    return out
  }

  /// A command-line word from the bytes the kernel passed, with nothing lost: bytes that are
  /// not valid UTF-8 become `\xHH`, which `unescape` turns back into the same byte. (Swift's own
  /// `CommandLine.arguments` would repair them to U+FFFD, and two names would look like one.)
  public static func word(fromArgument input: [UInt8]) -> String {
    if String(validating: input, as: UTF8.self) != nil {
      return String(decoding: input, as: UTF8.self)
    }
    var out: [UInt8] = []
    var index = 0
    while index < input.count {
      let length = input[index] < 0x80 ? 1 : validSequenceLength(input, at: index)
      if length == 0 {
        appendHex(input[index], to: &out)
        index += 1
      } else {
        out.append(contentsOf: input[index..<index + length])
        index += length
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  // MARK: - Bytes

  private static func appendEscaped(_ byte: UInt8, to out: inout [UInt8]) {
    switch byte {
    case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
    case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
    case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
    case 0x1B: out += [UInt8(ascii: "\\"), UInt8(ascii: "e")]
    default: appendHex(byte, to: &out)
    }
  }

  private static func appendHex(_ byte: UInt8, to out: inout [UInt8]) {
    let digits = Array("0123456789abcdef".utf8)
    out += [UInt8(ascii: "\\"), UInt8(ascii: "x"), digits[Int(byte >> 4)], digits[Int(byte & 15)]]
  }

  private static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
  }

  /// The length of the well-formed UTF-8 sequence of a non-ASCII-printable scalar at `index`,
  /// or 0 where there is none (C0 controls and DEL count as none: they are always escaped).
  private static func validSequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
    let lead = bytes[index]
    let length: Int
    var lowest: UInt8 = 0x80
    var highest: UInt8 = 0xBF
    switch lead {
    case 0xC2...0xDF: length = 2
    case 0xE0: length = 3; lowest = 0xA0
    case 0xE1...0xEC, 0xEE...0xEF: length = 3
    case 0xED: length = 3; highest = 0x9F  // no surrogates
    case 0xF0: length = 4; lowest = 0x90
    case 0xF1...0xF3: length = 4
    case 0xF4: length = 4; highest = 0x8F  // nothing past U+10FFFF
    default: return 0
    }
    guard index + length <= bytes.count else { return 0 }
    let second = bytes[index + 1]
    guard second >= lowest && second <= highest else { return 0 }
    for offset in 2..<max(2, length) where bytes[index + offset] & 0xC0 != 0x80 { return 0 }
    return length
  }

  private static func scalar(_ sequence: ArraySlice<UInt8>) -> UInt32 {
    var value = UInt32(sequence.first! & (0xFF >> (sequence.count + 1)))
    for byte in sequence.dropFirst() { value = value << 6 | UInt32(byte & 0x3F) }
    return value
  }

  /// Scalars a terminal acts on, or that make text look other than it is.
  private static func isHidden(_ scalar: UInt32) -> Bool {
    (0x80...0x9F).contains(scalar)  // C1 controls (CSI is U+009B)
      || (0x202A...0x202E).contains(scalar) || (0x2066...0x2069).contains(scalar)  // bidi
      || scalar == 0x2028 || scalar == 0x2029  // line and paragraph separators
  }
}

/// Why a word's backslash escapes are not well formed.
public enum EscapeError: Error, Equatable, Sendable {
  case trailingBackslash(String)
  case badHex(String)
  case unknown(String, Character)
}
