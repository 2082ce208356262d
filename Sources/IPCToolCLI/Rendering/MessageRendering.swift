import IPCKit

/// How `receive` writes a message: raw bytes to a file or pipe, escaped on a terminal, or one
/// line of hex or JSON (bytes in base64) per message.
enum MessageRendering {
  case raw, escaped, hex, json

  /// One message as `self` writes it.
  func text(_ message: QueueMessage) -> ByteBuffer {
    let out = ByteBuffer(capacity: message.bytes.count * 2 + 64)
    switch self {
    case .raw:
      message.bytes.withUnsafeBytes { out.append($0) }
    case .escaped:
      out.append(Escaping.escape(message.bytes))
      out.append(UInt8(ascii: "\n"))
    case .hex:
      out.append(Self.hex(message.bytes))
      out.append(UInt8(ascii: "\n"))
    case .json:
      var fields: [(String, JSON)] = []
      if let priority = message.priority { fields.append(("priority", .number(priority))) }
      if let type = message.type { fields.append(("type", .number(type))) }
      fields.append(("size", .number(message.bytes.count)))
      fields.append(("base64", .string(Self.base64(message.bytes))))
      JSON.object(fields).write(to: out)
      out.append(UInt8(ascii: "\n"))
    }
    return out
  }

  static func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count * 2)
    for byte in bytes { out += [digits[Int(byte >> 4)], digits[Int(byte & 15)]] }
    return String(decoding: out, as: UTF8.self)
  }

  /// RFC 4648 base64 with padding, as `base64 -d` and Python's b64decode read it.
  static func base64(_ bytes: [UInt8]) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    var out: [UInt8] = []
    out.reserveCapacity((bytes.count + 2) / 3 * 4)
    var index = 0
    while index < bytes.count {
      let chunk = bytes[index..<min(index + 3, bytes.count)]
      let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * $1.offset) }
      for position in 0..<4 {
        out.append(
          position <= chunk.count ? alphabet[Int(value >> (18 - 6 * position) & 63)] : UInt8(ascii: "="))
      }
      index += 3
    }
    return String(decoding: out, as: UTF8.self)
  }
}
