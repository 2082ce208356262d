import Testing

@testable import IPCKit

@Suite struct ByteSizeTests {
  @Test func parsesSuffixes() {
    #expect(ByteSize.parse("4096") == 4096)
    #expect(ByteSize.parse("4K") == 4096)
    #expect(ByteSize.parse("4k") == 4096)
    #expect(ByteSize.parse("1M") == 1 << 20)
    #expect(ByteSize.parse("2GiB") == 2 << 30)
    #expect(ByteSize.parse("1KB") == 1024)
  }

  @Test(arguments: ["", "K", "-1", "1.5M", "4X", "99999999999999999999", "16E", "１K"])
  func rejects(_ text: String) {
    #expect(ByteSize.parse(text) == nil)
  }

  @Test func printsHumanSizes() {
    #expect(ByteSize.human(512) == "512")
    #expect(ByteSize.human(4096) == "4.0K")
    #expect(ByteSize.human(1_572_864) == "1.5M")
    #expect(ByteSize.human(UInt64.max) == "16E")
    #expect(ByteSize.human(10 << 20) == "10M")
  }
}
