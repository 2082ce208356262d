import IPCKit

/// `list`'s commonest cells written straight into a table's bytes, each exactly as the String
/// its column's `value` makes (ListColumnTests compares the two for every column): a listing
/// writes tens of thousands of rows, and a String per cell was most of its time.
extension ByteBuffer {
  /// What `String(value)` spells.
  func appendInteger(_ value: some BinaryInteger) {
    if value < 0 { append(UInt8(ascii: "-")) }
    appendDecimal(UInt64(value.magnitude))
  }

  /// What `ByteSize.human` spells: 512, 4.0K, 15M.
  func appendHumanSize(_ bytes: UInt64) {
    let parts = ByteSize.humanParts(bytes)
    appendDecimal(parts.whole)
    if let tenth = parts.tenth {
      append(UInt8(ascii: "."))
      append(UInt8(ascii: "0") + UInt8(tenth))
    }
    if let unit = parts.unit, let byte = unit.asciiValue { append(byte) }
  }

  /// What `idleText` spells: 45s, 12m, 3h, 9d.
  func appendIdle(_ seconds: Int) {
    let seconds = max(0, seconds)
    switch seconds {
    case ..<120: appendInteger(seconds); append(UInt8(ascii: "s"))
    case ..<7200: appendInteger(seconds / 60); append(UInt8(ascii: "m"))
    case ..<172_800: appendInteger(seconds / 3600); append(UInt8(ascii: "h"))
    default: appendInteger(seconds / 86400); append(UInt8(ascii: "d"))
    }
  }

  /// What `IPCPermissions.description` spells: rw-r-----, three letters a class.
  func appendPermissions(_ permissions: IPCPermissions) {
    let mode = Int(permissions.rawValue)
    let triples: StaticString = "-----x-w--wxr--r-xrw-rwx"
    triples.withUTF8Buffer { letters in
      let letters = UnsafeRawBufferPointer(letters)
      for shift in [6, 3, 0] {
        let start = (mode >> shift & 7) * 3
        append(UnsafeRawBufferPointer(rebasing: letters[start..<start + 3]))
      }
    }
  }

  /// What `IPCName.description` spells: the slash and the name, escaped where it must be.
  func appendName(_ name: IPCName) {
    guard Escaping.isPlain(name.fileName) else { return append(name.description) }
    append(UInt8(ascii: "/"))
    name.fileName.withUnsafeBytes { append($0) }
  }

  /// What `object.reference.description` spells: posix-shm:/x, sysv-mq:32768.
  func appendReference(_ object: IPCObjectInfo) {
    switch object.identity {
    case .named(let name):
      append(object.kind.rawValue)
      append(UInt8(ascii: ":"))
      appendName(name)
    case .sysv(let id, _):
      append(object.kind.rawValue)
      append(UInt8(ascii: ":"))
      appendInteger(id)
    }
  }

  /// What `Details.usage` spells; the kinds a listing has by the ten thousand are written
  /// here, the rest as their String.
  func appendUsage(_ details: Details) {
    switch details {
    case .posixSharedMemory: append(UInt8(ascii: "-"))
    case .posixSemaphore(let semaphore):
      append("value " as StaticString)
      if let value = semaphore.value { appendInteger(value) } else { append(UInt8(ascii: "?")) }
    default: append(details.usage)
    }
  }
}
