/// The name of a POSIX object: a slash, then 1 to 255 bytes with no other slash and no NUL.
///
/// A name is bytes, whatever the file system holds: kept as bytes, compared byte for byte
/// (equality, order and prefixes), and handed back to the kernel unchanged. A String would repair
/// invalid UTF-8 to U+FFFD and compare canonically equivalent spellings as equal, so two objects
/// could look like one. Text for people comes from `description`, which escapes (`Escaping`).
public struct IPCName: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// The bytes after the slash, as they appear in /dev/shm and the mqueue filesystem.
  public let fileName: [UInt8]

  /// The name with its slash, escaped for a terminal: "/jobs", "/v\xff".
  public var description: String {
    guard Escaping.isPlain(fileName) else { return "/" + Escaping.escape(fileName) }
    return String(unsafeUninitializedCapacity: fileName.count + 1) { text in
      text[0] = UInt8(ascii: "/")
      _ = UnsafeMutableBufferPointer(rebasing: text[1...]).initialize(from: fileName)
      return fileName.count + 1
    }
  }

  /// The exact name with its slash where it is valid UTF-8, else nil.
  public var exactText: String? {
    String(validating: [UInt8(ascii: "/")] + fileName, as: UTF8.self)
  }

  /// The name with its slash, as bytes.
  public var bytes: [UInt8] { [UInt8(ascii: "/")] + fileName }

  /// Checks a name the user typed, in the escaped syntax `description` prints (`\xff`, `\\`).
  public init(parsing word: String, maxLength: Int = 255) throws(IPCNameError) {
    let bytes: [UInt8]
    do { bytes = try Escaping.unescape(word) } catch { throw .escape(error) }
    try self.init(bytes: bytes, maxLength: maxLength, typed: word)
  }

  /// Checks a name given as bytes with its slash.
  public init(bytes: [UInt8], maxLength: Int = 255, typed: String? = nil) throws(IPCNameError) {
    let shown = typed.map(Escaping.escape) ?? Escaping.escape(bytes)
    guard bytes.first == UInt8(ascii: "/") else { throw .missingSlash(shown) }
    let rest = Array(bytes.dropFirst())
    guard !rest.isEmpty else { throw .empty }
    guard !rest.contains(UInt8(ascii: "/")) else { throw .innerSlash(shown) }
    guard !rest.contains(0) else { throw .nul }
    guard rest != [UInt8(ascii: ".")] && rest != [UInt8(ascii: "."), UInt8(ascii: ".")] else {
      throw .dotName(shown)
    }
    guard rest.count <= maxLength else { throw .tooLong(shown, maxLength) }
    self.fileName = rest
  }

  /// A name read from the kernel's own directories, already known to be well formed.
  init(fileName: [UInt8]) {
    self.fileName = fileName
  }

  /// The same from the bytes of a directory entry.
  init(fileNameBytes bytes: UnsafeRawBufferPointer) {
    self.fileName = Array(bytes)
  }

  /// Whether the name, with its slash, starts with `prefix` (bytes, with its slash).
  public func hasPrefix(_ prefix: [UInt8]) -> Bool {
    guard let first = prefix.first else { return true }
    guard first == UInt8(ascii: "/") else { return false }
    return fileName.starts(with: prefix.dropFirst())
  }

  /// Calls `body` with the name and its slash as a C string, for mq_open and mq_unlink.
  public func withCString<R>(_ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
    try withCString(prefix: "/", body)
  }

  /// Calls `body` with the file name behind `prefix` ("sem." for semaphores), as a C string.
  public func withFileNameCString<R>(
    prefix: String = "", _ body: (UnsafePointer<CChar>) throws -> R
  ) rethrows -> R {
    try withCString(prefix: prefix, body)
  }

  /// Built on the stack, not in arrays: a clean unlinks tens of thousands of names.
  private func withCString<R>(prefix: String, _ body: (UnsafePointer<CChar>) throws -> R)
    rethrows -> R
  {
    let count = prefix.utf8.count + fileName.count + 1
    return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count) { buffer in
      let start = buffer.baseAddress!
      var at = 0
      for byte in prefix.utf8 {
        (start + at).initialize(to: byte)
        at += 1
      }
      for byte in fileName {
        (start + at).initialize(to: byte)
        at += 1
      }
      (start + at).initialize(to: 0)
      return try buffer.withMemoryRebound(to: CChar.self) { try body($0.baseAddress!) }
    }
  }

  /// Byte order, as `ls` sorts in the C locale.
  public static func < (lhs: IPCName, rhs: IPCName) -> Bool {
    lhs.fileName.lexicographicallyPrecedes(rhs.fileName)
  }
}

/// Why a word is not a POSIX IPC name. Names are shown escaped.
public enum IPCNameError: Error, Equatable, Sendable {
  case missingSlash(String)
  case innerSlash(String)
  case empty
  case nul
  case dotName(String)
  case tooLong(String, Int)
  case escape(EscapeError)
}

/// A string safe to put on one line of a message: every control and invalid byte escaped.
public func printable(_ text: String) -> String { Escaping.escape(text) }

extension String {
  func leftPadded(to width: Int, with pad: Character = " ") -> String {
    count >= width ? self : String(repeating: pad, count: width - count) + self
  }
}
