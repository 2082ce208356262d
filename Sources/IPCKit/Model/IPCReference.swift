/// One word that names one object (or, for a bare POSIX name, one name in several kinds).
///
/// `/name`, `posix-sem:/name`, `sysv-shm:32769` (an id) or `sysv-mq:0x0001e240` (a key).
public enum IPCReference: Hashable, Sendable, CustomStringConvertible {
  /// A POSIX name; `kind` nil means every POSIX kind that has it.
  case named(IPCName, kind: IPCKind?)
  case sysvID(IPCKind, Int32)
  case sysvKey(IPCKind, Int32)

  public init(parsing word: String) throws(IPCReferenceError) {
    if word.hasPrefix("/") {
      do { self = .named(try IPCName(parsing: word), kind: nil) } catch { throw .name(error) }
      return
    }
    guard let colon = word.firstIndex(of: ":") else {
      throw .malformed(word)
    }
    let kindWord = String(word[..<colon])
    let rest = String(word[word.index(after: colon)...])
    guard let kind = IPCKind(rawValue: kindWord) else { throw .unknownKind(kindWord) }
    if kind.isNamed {
      do {
        self = .named(try IPCName(parsing: rest, maxLength: kind.maxNameLength), kind: kind)
      } catch { throw .name(error) }
      return
    }
    if rest.hasPrefix("0x") || rest.hasPrefix("0X") {
      // A key in hex (a decimal here is an id), read as every typed key is.
      guard let key = IPCKeyText.parse(rest) else { throw .malformedKey(word) }
      guard key != 0 else { throw .privateKey(word) }
      self = .sysvKey(kind, key)
    } else {
      guard let id = Int32(rest), id >= 0, rest.allSatisfy(\.isASCII) else {
        throw .malformedID(word)
      }
      self = .sysvID(kind, id)
    }
  }

  /// The canonical spelling, as `list` prints it.
  public var description: String {
    switch self {
    case .named(let name, let kind):
      // Appended, not interpolated: made for every row of a listing.
      guard let kind else { return name.description }
      var text = kind.rawValue
      text.append(":")
      text.append(name.description)
      return text
    case .sysvID(let kind, let id): return "\(kind.rawValue):\(id)"
    case .sysvKey(let kind, let key): return "\(kind.rawValue):\(formatKey(key))"
    }
  }
}

/// A SysV key as ipcs prints it: 0x and eight hex digits.
public func formatKey(_ key: Int32) -> String {
  "0x" + String(UInt32(bitPattern: key), radix: 16).leftPadded(to: 8, with: "0")
}

/// Why a word is not a reference.
public enum IPCReferenceError: Error, Equatable, Sendable {
  case malformed(String)
  case unknownKind(String)
  case name(IPCNameError)
  case malformedKey(String)
  case malformedID(String)
  case privateKey(String)
}

extension IPCReference {
  /// True when this reference names `object`.
  public func matches(_ object: IPCObjectInfo) -> Bool {
    switch self {
    case .named(let name, let kind): object.name == name && (kind == nil || kind == object.kind)
    case .sysvID(let kind, let id): object.kind == kind && object.id == id
    case .sysvKey(let kind, let key): object.kind == kind && object.key == key
    }
  }
}
