/// A JSON value whose object keys keep the order they were written in.
enum JSON: Sendable, Equatable {
  case null
  case bool(Bool)
  case int(Int64)
  case uint(UInt64)
  case double(Double)
  case string(String)
  /// Two strings written as one ("posix-shm" + ":/name"), so the hot path builds no third.
  case joined(String, String)
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
    case .joined(let first, let second):
      out.append(UInt8(ascii: "\""))
      JSON.escapeBody(first, into: out)
      JSON.escapeBody(second, into: out)
      out.append(UInt8(ascii: "\""))
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

  /// The string's characters, escaped, without quotes.
  static func escapeBody(_ text: String, into out: ByteBuffer) {
    var text = text
    let copied = text.withUTF8 { bytes in
      // Most names need no escaping: copy them whole.
      guard !bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else { return false }
      out.append(UnsafeRawBufferPointer(bytes))
      return true
    }
    if copied { return }
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "\""): out.append("\\\"" as StaticString)
      case UInt8(ascii: "\\"): out.append("\\\\" as StaticString)
      case UInt8(ascii: "\n"): out.append("\\n" as StaticString)
      case UInt8(ascii: "\r"): out.append("\\r" as StaticString)
      case UInt8(ascii: "\t"): out.append("\\t" as StaticString)
      case 0..<0x20:
        out.append("\\u00" as StaticString)
        out.append(String(byte >> 4, radix: 16))
        out.append(String(byte & 0xf, radix: 16))
      default: out.append(byte)
      }
    }
  }
}
