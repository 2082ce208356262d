import Testing

@testable import IPCKit

@Suite struct IPCNameTests {
  @Test func acceptsSlashThenName() throws {
    let name = try IPCName("/jobs")
    #expect(name.text == "/jobs")
    #expect(name.fileName == "jobs")
  }

  @Test(arguments: [
    ("jobs", IPCNameError.missingSlash("jobs")),
    ("/a/b", .innerSlash("/a/b")),
    ("/", .empty),
    ("/..", .dotName("/..")),
    ("/a\u{0}b", .nul),
  ])
  func rejects(_ text: String, _ expected: IPCNameError) {
    #expect(throws: expected) { try IPCName(text) }
  }

  @Test func limitsLengthToAFileName() throws {
    _ = try IPCName("/" + String(repeating: "x", count: 255))
    #expect(throws: IPCNameError.self) { try IPCName("/" + String(repeating: "x", count: 256)) }
    // glibc adds "sem." in front of a semaphore's name.
    let kind = IPCKind.posixSemaphore
    #expect(throws: IPCNameError.self) {
      try IPCName("/" + String(repeating: "x", count: 252), maxLength: kind.maxNameLength)
    }
  }

  @Test func errorsShowControlCharactersEscaped() {
    let error = IPCNameError.missingSlash("a\nb")
    #expect(error.description == "invalid name 'a\\x0ab': a POSIX name starts with '/'")
  }
}
