/// A JSON value whose object keys keep the order they were written in.
indirect enum JSON: Sendable, Equatable {
  case null
  case bool(Bool)
  case int(Int64)
  case uint(UInt64)
  case double(Double)
  case string(String)
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
    var out = ""
    write(to: &out)
    return out
  }

  func write(to out: inout String) {
    switch self {
    case .null: out += "null"
    case .bool(let value): out += value ? "true" : "false"
    case .int(let value): out += String(value)
    case .uint(let value): out += String(value)
    case .double(let value): out += value.isFinite ? "\(value)" : "null"
    case .string(let value): JSON.escape(value, into: &out)
    case .array(let items):
      out += "["
      for (index, item) in items.enumerated() {
        if index > 0 { out += ", " }
        item.write(to: &out)
      }
      out += "]"
    case .object(let fields):
      out += "{"
      for (index, (key, value)) in fields.enumerated() {
        if index > 0 { out += ", " }
        JSON.escape(key, into: &out)
        out += ": "
        value.write(to: &out)
      }
      out += "}"
    }
  }

  /// `{"key": [` then one item per line, then `]}`: readable, and greppable line by line.
  static func document(_ key: String, _ items: [JSON], extra: [(String, JSON)] = []) -> String {
    var out = "{"
    for (name, value) in extra {
      escape(name, into: &out)
      out += ": "
      value.write(to: &out)
      out += ", "
    }
    escape(key, into: &out)
    out += ": ["
    for (index, item) in items.enumerated() {
      out += index == 0 ? "\n  " : ",\n  "
      item.write(to: &out)
    }
    out += items.isEmpty ? "]}\n" : "\n]}\n"
    return out
  }

  static func escape(_ text: String, into out: inout String) {
    out += "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20:
        out += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
      default: out.unicodeScalars.append(scalar)
      }
    }
    out += "\""
  }
}
