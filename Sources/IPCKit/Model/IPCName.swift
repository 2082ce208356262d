/// The name of a POSIX object: a slash, then 1 to 255 bytes with no other slash.
public struct IPCName: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// The name as users write it, with its leading slash: "/jobs".
  public let text: String

  /// The name without its slash, as it appears in /dev/shm and the mqueue filesystem.
  public var fileName: String { String(text.dropFirst()) }

  public var description: String { text }

  /// Checks a name the user typed.
  public init(_ text: String, maxLength: Int = 255) throws(IPCNameError) {
    guard text.hasPrefix("/") else { throw .missingSlash(text) }
    let rest = text.utf8.dropFirst()
    guard !rest.isEmpty else { throw .empty }
    guard !rest.contains(UInt8(ascii: "/")) else { throw .innerSlash(text) }
    guard !rest.contains(0) else { throw .nul }
    guard text != "/." && text != "/.." else { throw .dotName(text) }
    guard rest.count <= maxLength else { throw .tooLong(text, maxLength) }
    self.text = text
  }

  /// A name read from the kernel's own directories, already known to be well formed.
  init(fileName: String) {
    self.text = "/" + fileName
  }

  /// The same from the bytes of a directory entry, building one String instead of two.
  init(fileNameBytes bytes: UnsafeRawBufferPointer) {
    self.text = String(unsafeUninitializedCapacity: bytes.count + 1) { text in
      text[0] = UInt8(ascii: "/")
      UnsafeMutableRawBufferPointer(text).baseAddress!.advanced(by: 1)
        .copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
      return bytes.count + 1
    }
  }

  /// Byte order, as `ls` sorts in the C locale.
  public static func < (lhs: IPCName, rhs: IPCName) -> Bool {
    bytesPrecede(lhs.text, rhs.text)
  }
}

/// Why a string is not a POSIX IPC name.
public enum IPCNameError: Error, Equatable, CustomStringConvertible, Sendable {
  case missingSlash(String)
  case innerSlash(String)
  case empty
  case nul
  case dotName(String)
  case tooLong(String, Int)

  public var description: String {
    switch self {
    case .missingSlash(let name):
      "invalid name '\(printable(name))': a POSIX name starts with '/'"
    case .innerSlash(let name):
      "invalid name '\(printable(name))': only the leading '/' is allowed"
    case .empty: "invalid name '/': the name is empty"
    case .nul: "invalid name: it contains a NUL byte"
    case .dotName(let name): "invalid name '\(name)': '.' and '..' are not names"
    case .tooLong(let name, let max):
      "invalid name '\(printable(name).prefix(40))...': longer than \(max) bytes"
    }
  }
}

/// A string safe to put on one line of a message: control characters escaped.
public func printable(_ text: String) -> String {
  var out = ""
  for scalar in text.unicodeScalars {
    if scalar.value < 0x20 || scalar.value == 0x7f {
      out += "\\x" + String(scalar.value, radix: 16, uppercase: false).leftPadded(to: 2, with: "0")
    } else {
      out.unicodeScalars.append(scalar)
    }
  }
  return out
}

extension String {
  func leftPadded(to width: Int, with pad: Character = " ") -> String {
    count >= width ? self : String(repeating: pad, count: width - count) + self
  }
}
