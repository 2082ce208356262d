import IPCKit
/// A JSON value whose object keys keep the order they were written in.
enum JSON: Sendable, Equatable {
  case null
  case bool(Bool)
  case int(Int64)
  case uint(UInt64)
  case double(Double)
  case string(String)
  /// A POSIX name written straight from its bytes, in one of its forms: listings write tens
  /// of thousands, and no String need be made for any of them.
  case name(IPCName, NameForm)
  case array([JSON])
  case object([(String, JSON)])

  static func == (lhs: JSON, rhs: JSON) -> Bool { lhs.text == rhs.text }

  /// Optional numbers and strings become null when missing.
  static func number<T: BinaryInteger>(_ value: T?) -> JSON {
    guard let value else { return .null }
    return value < 0 ? .int(Int64(value)) : .uint(UInt64(value))
  }

  static func string(_ value: String?) -> JSON { value.map(JSON.string) ?? .null }

  /// Compact text, one line.
  var text: String {
    let out = ByteBuffer(capacity: 64)
    write(to: out)
    return out.string
  }

  /// Appends the compact text as UTF-8: bytes, not Characters, since listings write thousands.
  func write(to out: ByteBuffer) {
    switch self {
    case .null: out.append("null" as StaticString)
    case .bool(let value): out.append(value ? "true" as StaticString : "false")
    case .int(let value):
      if value < 0 { out.append(UInt8(ascii: "-")) }
      out.appendDecimal(value.magnitude)
    case .uint(let value): out.appendDecimal(value)
    case .double(let value): out.append(value.isFinite ? "\(value)" : "null")
    case .string(let value): JSON.escape(value, into: out)
    case .name(let name, let form): JSON.write(name, form, to: out)
    case .array(let items):
      out.append(UInt8(ascii: "["))
      for (index, item) in items.enumerated() {
        if index > 0 { out.append(", " as StaticString) }
        item.write(to: out)
      }
      out.append(UInt8(ascii: "]"))
    case .object(let fields):
      out.append(UInt8(ascii: "{"))
      for (index, (key, value)) in fields.enumerated() {
        if index > 0 { out.append(", " as StaticString) }
        JSON.escape(key, into: out)
        out.append(": " as StaticString)
        value.write(to: out)
      }
      out.append(UInt8(ascii: "}"))
    }
  }

  /// `{"key": [` then one item per line, then `]}`: readable, and greppable line by line.
  static func document(_ key: String, _ items: [JSON], extra: [(String, JSON)] = []) -> String {
    documentBytes(key, items, extra: extra).string
  }

  static func documentBytes(_ key: String, _ items: [JSON], extra: [(String, JSON)] = []) -> ByteBuffer {
    let out = ByteBuffer(capacity: items.count * 256)
    out.append(UInt8(ascii: "{"))
    for (name, value) in extra {
      escape(name, into: out)
      out.append(": " as StaticString)
      value.write(to: out)
      out.append(", " as StaticString)
    }
    escape(key, into: out)
    out.append(": [" as StaticString)
    for (index, item) in items.enumerated() {
      out.append(index == 0 ? "\n  " as StaticString : ",\n  ")
      item.write(to: out)
    }
    out.append(items.isEmpty ? "]}\n" as StaticString : "\n]}\n")
    return out
  }

  static func escape(_ text: String, into out: ByteBuffer) {
    out.append(UInt8(ascii: "\""))
    escapeBody(text, into: out)
    out.append(UInt8(ascii: "\""))
  }

  /// The string's characters, escaped, without quotes. Besides what JSON requires, DEL, the C1
  /// controls and the bidirectional and line-separator format characters are written as `\uXXXX`,
  /// so a document shown on a terminal cannot drive it; a parser reads back the same text.
  static func escapeBody(_ text: String, into out: ByteBuffer) {
    var text = text
    let copied = text.withUTF8 { bytes in
      // Most names need no escaping: copy them whole (any byte from 0x7F up may start one of
      // the characters written escaped, so such text takes the slow way).
      guard !bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 >= 0x7F })
      else { return false }
      out.append(UnsafeRawBufferPointer(bytes))
      return true
    }
    if copied { return }
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out.append("\\\"" as StaticString)
      case "\\": out.append("\\\\" as StaticString)
      case "\n": out.append("\\n" as StaticString)
      case "\r": out.append("\\r" as StaticString)
      case "\t": out.append("\\t" as StaticString)
      case "\u{0}"..<"\u{20}", "\u{7F}"..."\u{9F}", "\u{202A}"..."\u{202E}", "\u{2066}"..."\u{2069}",
        "\u{2028}", "\u{2029}":
        let hex = String(scalar.value, radix: 16)
        out.append("\\u" as StaticString)
        out.append(String(repeating: "0", count: 4 - hex.count) + hex)
      default: out.append(String(scalar))
      }
    }
  }

  /// How a name is written: the reference as printed (escaped), the exact text (null where the
  /// bytes are not UTF-8), or the exact bytes as hex.
  enum NameForm: Sendable, Equatable {
    case reference(IPCKind)
    case exact
    case hex
  }

  private static func write(_ name: IPCName, _ form: NameForm, to out: ByteBuffer) {
    // Printable ASCII without a backslash or quote reads the same in every form and in JSON:
    // the common case, copied whole.
    let plain =
      Escaping.isPlain(name.fileName) && !name.fileName.contains(UInt8(ascii: "\""))
    switch form {
    case .reference(let kind):
      out.append(UInt8(ascii: "\""))
      out.append(kind.rawValue)
      out.append(":/" as StaticString)
      if plain {
        name.fileName.withUnsafeBytes { out.append($0) }
      } else {
        escapeBody(Escaping.escape(name.fileName), into: out)
      }
      out.append(UInt8(ascii: "\""))
    case .exact:
      if plain {
        out.append("\"/" as StaticString)
        name.fileName.withUnsafeBytes { out.append($0) }
        out.append(UInt8(ascii: "\""))
      } else {
        JSON.string(name.exactText).write(to: out)
      }
    case .hex:
      let digits: StaticString = "0123456789abcdef"
      out.append("\"2f" as StaticString)  // the slash
      digits.withUTF8Buffer { digits in
        for byte in name.fileName {
          out.append(digits[Int(byte >> 4)])
          out.append(digits[Int(byte & 15)])
        }
      }
      out.append(UInt8(ascii: "\""))
    }
  }
}
