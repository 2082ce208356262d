@testable import IPCKit
import Testing

@testable import IPCToolCLI

/// One spelling of a System V key, read by one parser (`IPCKeyText`) wherever a key is typed:
/// `create --key`, `list`/`clean --key`, and a reference's `KIND:0xKEY`. Keys are unsigned,
/// as `ipcs` and `list --json` show them, so 0xdeadbeef is also 3735928559.
@Suite struct KeyGrammarTests {
  static let valid: [(String, UInt32)] = [
    ("0x1e240", 0x1e240), ("0X1E240", 0x1e240), ("0xdeadbeef", 0xdeadbeef), ("0x00000001", 1),
    ("123456", 123456), ("3735928559", 0xdeadbeef), ("4294967295", 0xffffffff),
    // key_t is a C int: a negative decimal is the same bits (as create took it before).
    ("-1", 0xffffffff), ("-2147483648", 0x80000000),
  ]
  static let invalid = [
    "", "0x", "0x123456789", "4294967296", "-2147483649", "+5", "0x+1", "0x-1", " 5", "5 ", "1e240",
    "0xZZ", "\u{663}", "0x\u{FF11}", "--1",
  ]

  @Test(arguments: valid)
  func theParserReadsEverySpelling(word: String, key: UInt32) {
    #expect(IPCKeyText.parse(word) == Int32(bitPattern: key))
  }

  @Test(arguments: invalid)
  func theParserRefusesTheRest(word: String) {
    #expect(IPCKeyText.parse(word) == nil)
  }

  static func createRequest(_ words: [String]) throws(UsageError) -> (ObjectSpec, IPCPermissions) {
    try CreateCommand.request(try ArgumentParser(command: CreateCommand.spec).parse(words))
  }

  /// create takes every spelling, and refuses the same words (and 0, IPC_PRIVATE).
  @Test(arguments: valid)
  func createTakesEverySpelling(word: String, key: UInt32) throws {
    let (spec, _) = try Self.createRequest(["sysv-mq", "--key", word])
    guard case .sysvQueue(let made) = spec else { Issue.record("\(spec)"); return }
    #expect(made == Int32(bitPattern: key))
  }

  @Test(arguments: invalid + ["0", "0x0", "-0"])
  func createRefusesTheRest(word: String) {
    #expect(throws: UsageError.self) { try Self.createRequest(["sysv-mq", "--key", word]) }
  }

  /// A reference spells a key in hex (a decimal there is an id), by the same parser.
  @Test(arguments: valid.filter { $0.0.lowercased().hasPrefix("0x") })
  func aReferenceReadsHexKeys(word: String, key: UInt32) throws {
    #expect(try IPCReference(parsing: "sysv-mq:" + word) == .sysvKey(.sysvQueue, Int32(bitPattern: key)))
  }

  @Test(arguments: invalid.filter { $0.lowercased().hasPrefix("0x") })
  func aReferenceRefusesWhatTheParserRefuses(word: String) {
    #expect(throws: IPCReferenceError.self) { try IPCReference(parsing: "sysv-mq:" + word) }
  }

  /// list and clean --key read keys through create's parser.
  @Test(arguments: valid)
  func selectorsTakeEverySpelling(word: String, key: UInt32) {
    #expect(CreateCommand.parseKey(word) == Int32(bitPattern: key))
  }
}
