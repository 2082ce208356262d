import IPCKit

// What the model's parse errors say: the values come from IPCKit, the words live here.

extension IPCNameError: CustomStringConvertible {
  public var description: String {
    switch self {
    case .missingSlash(let name):
      "invalid name '\(name)': a POSIX name starts with '/'"
    case .innerSlash(let name):
      "invalid name '\(name)': only the leading '/' is allowed"
    case .empty: "invalid name '/': the name is empty"
    case .nul: "invalid name: it contains a NUL byte"
    case .dotName(let name): "invalid name '\(name)': '.' and '..' are not names"
    case .tooLong(let name, let max):
      "invalid name '\(name.prefix(40))...': longer than \(max) bytes"
    case .escape(let error): "invalid name \(error)"
    }
  }
}

extension IPCReferenceError: CustomStringConvertible {
  public var description: String {
    switch self {
    case .malformed(let word):
      // The command line adds what a bare word most likely meant.
      "invalid reference '\(printable(word))': expected /name, KIND:/name, KIND:ID or KIND:0xKEY"
    case .unknownKind(let word):
      "unknown kind '\(printable(word))' (expected one of \(IPCKind.allCases.map(\.rawValue).joined(separator: ", ")))"
    case .name(let error): error.description
    case .malformedKey(let word):
      "invalid key in '\(printable(word))': expected 0x and up to 8 hex digits"
    case .malformedID(let word):
      "invalid id in '\(printable(word))': expected a decimal number"
    case .privateKey(let word):
      "invalid key in '\(printable(word))': key 0 is IPC_PRIVATE and names no single object"
    }
  }
}

extension EscapeError: CustomStringConvertible {
  public var description: String {
    switch self {
    case .trailingBackslash(let word):
      "'\(Escaping.escape(word))' ends with a lone '\\' (write '\\\\' for a backslash)"
    case .badHex(let word):
      "'\(Escaping.escape(word))': '\\x' takes two hex digits"
    case .unknown(let word, let letter):
      "'\(Escaping.escape(word))': unknown escape '\\\(letter)' (write '\\\\' for a backslash)"
    }
  }
}
