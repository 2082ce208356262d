import Testing

@testable import IPCKit

/// The one escaping rule: what it shows, and that `unescape` undoes it.
@Suite struct EscapingTests {
  @Test(arguments: [
    (Array("plain name".utf8), "plain name"),
    (Array("caf\u{E9} \u{1F600}".utf8), "caf\u{E9} \u{1F600}"),
    (Array("a\\b".utf8), "a\\\\b"),
    (Array("tab\tnl\ncr\resc\u{1B}bell\u{07}del\u{7F}".utf8), "tab\\tnl\\ncr\\resc\\ebell\\x07del\\x7f"),
    ([0xFF, 0x41, 0xC3], "\\xffA\\xc3"),
    (Array("c1\u{9B}".utf8), "c1\\xc2\\x9b"),
    (Array("rl\u{202E}o".utf8), "rl\\xe2\\x80\\xaeo"),
    ([0xED, 0xA0, 0x80], "\\xed\\xa0\\x80"),  // an encoded surrogate is not UTF-8
    ([0xC0, 0xAF], "\\xc0\\xaf"),  // an overlong slash is not UTF-8
  ])
  func escapes(bytes: [UInt8], shown: String) throws {
    #expect(Escaping.escape(bytes) == shown)
    #expect(try Escaping.unescape(shown) == bytes)
  }

  @Test func everyByteRoundTrips() throws {
    let all = (0...255).map { UInt8($0) }
    #expect(try Escaping.unescape(Escaping.escape(all)) == all)
  }

  @Test func argumentsKeepTheirBytes() throws {
    #expect(Escaping.word(fromArgument: Array("/ok".utf8)) == "/ok")
    #expect(Escaping.word(fromArgument: [0x2F, 0xFF]) == "/\\xff")
    #expect(try Escaping.unescape(Escaping.word(fromArgument: [0x2F, 0xFF, 0xC3, 0xA9])) == [0x2F, 0xFF, 0xC3, 0xA9])
  }

  @Test(arguments: ["a\\", "\\x4", "\\xZZ", "\\q"])
  func rejectsMalformedEscapes(word: String) {
    #expect(throws: EscapeError.self) { try Escaping.unescape(word) }
  }
}
