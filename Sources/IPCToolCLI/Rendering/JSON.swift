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
    var out: [UInt8] = []
    write(to: &out)
    return String(decoding: out, as: UTF8.self)
  }

  /// Appends the compact text as UTF-8: bytes, not Characters, since listings write thousands.
  func write(to out: inout [UInt8]) {
    switch self {
    case .null: out.append(contentsOf: "null".utf8)
    case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
    case .int(let value):
      if value < 0 { out.append(UInt8(ascii: "-")) }
      out.appendDecimal(value.magnitude)
    case .uint(let value): out.appendDecimal(value)
    case .double(let value): out.append(contentsOf: (value.isFinite ? "\(value)" : "null").utf8)
    case .string(let value): JSON.escape(value, into: &out)
    case .joined(let first, let second):
      out.append(UInt8(ascii: "\""))
      JSON.escapeBody(first, into: &out)
      JSON.escapeBody(second, into: &out)
      out.append(UInt8(ascii: "\""))
    case .array(let items):
      out.append(UInt8(ascii: "["))
      for (index, item) in items.enumerated() {
        if index > 0 { out.append(contentsOf: ", ".utf8) }
        item.write(to: &out)
      }
      out.append(UInt8(ascii: "]"))
    case .object(let fields):
      out.append(UInt8(ascii: "{"))
      for (index, (key, value)) in fields.enumerated() {
        if index > 0 { out.append(contentsOf: ", ".utf8) }
        JSON.escape(key, into: &out)
        out.append(contentsOf: ": ".utf8)
        value.write(to: &out)
      }
      out.append(UInt8(ascii: "}"))
    }
  }

  /// `{"key": [` then one item per line, then `]}`: readable, and greppable line by line.
  static func document(_ key: String, _ items: [JSON], extra: [(String, JSON)] = []) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(items.count * 256)
    out.append(UInt8(ascii: "{"))
    for (name, value) in extra {
      escape(name, into: &out)
      out.append(contentsOf: ": ".utf8)
      value.write(to: &out)
      out.append(contentsOf: ", ".utf8)
    }
    escape(key, into: &out)
    out.append(contentsOf: ": [".utf8)
    for (index, item) in items.enumerated() {
      out.append(contentsOf: (index == 0 ? "\n  " : ",\n  ").utf8)
      item.write(to: &out)
    }
    out.append(contentsOf: (items.isEmpty ? "]}\n" : "\n]}\n").utf8)
    return String(decoding: out, as: UTF8.self)
  }

  static func escape(_ text: String, into out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    escapeBody(text, into: &out)
    out.append(UInt8(ascii: "\""))
  }

  /// The string's characters, escaped, without quotes.
  static func escapeBody(_ text: String, into out: inout [UInt8]) {
    var text = text
    let copied = text.withUTF8 { bytes in
      // Most names need no escaping: copy them whole.
      guard !bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else { return false }
      out.append(contentsOf: bytes)
      return true
    }
    if copied { return }
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
      case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
      case UInt8(ascii: "\n"): out.append(contentsOf: "\\n".utf8)
      case UInt8(ascii: "\r"): out.append(contentsOf: "\\r".utf8)
      case UInt8(ascii: "\t"): out.append(contentsOf: "\\t".utf8)
      case 0..<0x20:
        out.append(contentsOf: "\\u00".utf8)
        out.append(contentsOf: String(byte >> 4, radix: 16).utf8)
        out.append(contentsOf: String(byte & 0xf, radix: 16).utf8)
      default: out.append(byte)
      }
    }
  }
}

extension [UInt8] {
  /// Appends a literal without building a String.
  mutating func appendLiteral(_ text: StaticString) {
    text.withUTF8Buffer { append(contentsOf: $0) }
  }

  /// Appends a number's digits without building a String.
  mutating func appendDecimal(_ value: UInt64) {
    var rest = value
    var scratch: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
      UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
      (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    Swift.withUnsafeMutableBytes(of: &scratch) { bytes in
      var index = bytes.count
      repeat {
        index -= 1
        bytes[index] = UInt8(ascii: "0") + UInt8(rest % 10)
        rest /= 10
      } while rest > 0
      append(contentsOf: bytes[index...])
    }
  }
}
