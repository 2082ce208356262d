import Testing

@testable import IPCKit

@Suite struct IPCNameTests {
  @Test func acceptsSlashThenName() throws {
    let name = try IPCName(parsing: "/jobs")
    #expect(name.description == "/jobs" && name.exactText == "/jobs")
    #expect(name.fileName == Array("jobs".utf8))
  }

  @Test(arguments: [
    ("jobs", IPCNameError.missingSlash("jobs")),
    ("/a/b", .innerSlash("/a/b")),
    ("/", .empty),
    ("/..", .dotName("/..")),
    ("/a\u{0}b", .nul),
    ("/a\\x00b", .nul),
    ("/a\\x2fb", .innerSlash("/a\\\\x2fb")),
  ])
  func rejects(_ text: String, _ expected: IPCNameError) {
    #expect(throws: expected) { try IPCName(parsing: text) }
  }

  @Test func limitsLengthToAFileNameInBytes() throws {
    _ = try IPCName(parsing: "/" + String(repeating: "x", count: 255))
    #expect(throws: IPCNameError.self) { try IPCName(parsing: "/" + String(repeating: "x", count: 256)) }
    // Four characters of escape are one byte.
    _ = try IPCName(parsing: "/" + String(repeating: "\\xff", count: 255))
    // glibc adds "sem." in front of a semaphore's name.
    let kind = IPCKind.posixSemaphore
    #expect(throws: IPCNameError.self) {
      try IPCName(parsing: "/" + String(repeating: "x", count: 252), maxLength: kind.maxNameLength)
    }
  }

  /// Two names are the same only when their bytes are: no repair, no canonical equivalence.
  @Test func comparesBytes() throws {
    let invalid = try IPCName(bytes: Array("/v".utf8) + [0xFF])
    let repaired = try IPCName(parsing: "/v\u{FFFD}")
    #expect(invalid != repaired)
    #expect(try IPCName(parsing: "/\u{212A}afka") != IPCName(parsing: "/Kafka"))
    #expect(try IPCName(parsing: "/caf\u{E9}") != IPCName(parsing: "/cafe\u{301}"))
    #expect(try IPCName(parsing: "/v\\xff") == invalid)
    #expect(invalid.hasPrefix(Array("/v".utf8)) && !invalid.hasPrefix(Array("/v\u{FFFD}".utf8)))
    #expect(invalid.exactText == nil && repaired.exactText == "/v\u{FFFD}")
  }

  /// What a name prints as, typed back, is that name.
  @Test(arguments: [
    Array("/plain".utf8), Array("/v".utf8) + [0xFF], Array("/evil\nrow".utf8),
    Array("/t\u{1B}]0;x\u{07}".utf8), Array("/back\\slash".utf8), Array("/c1\u{9B}m".utf8),
    Array("/bidi\u{202E}txt".utf8), Array("/caf\u{E9}".utf8),
    [UInt8(ascii: "/")] + Array(1...127).filter { $0 != UInt8(ascii: "/") },
  ])
  func printedNamesParseBackToTheirBytes(bytes: [UInt8]) throws {
    let name = try IPCName(bytes: bytes)
    let printed = name.description
    #expect(printed.unicodeScalars.allSatisfy { $0.value >= 0x20 && !(0x7F...0x9F).contains($0.value) })
    #expect(try IPCName(parsing: printed) == name, "\(printed)")
  }

  @Test func errorsShowControlCharactersEscaped() {
    #expect(throws: IPCNameError.missingSlash("a\\nb")) { try IPCName(parsing: "a\nb") }
  }
}
