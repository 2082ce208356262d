import Testing

@testable import IPCKit

@Suite struct AgeTextTests {
  @Test func agesParse() {
    #expect(AgeText.seconds("30s") == 30)
    #expect(AgeText.seconds("10m") == 600)
    #expect(AgeText.seconds("2h") == 7200)
    #expect(AgeText.seconds("7d") == 604_800)
    #expect(AgeText.seconds("7") == nil)
    #expect(AgeText.seconds("-1d") == nil)
    #expect(AgeText.seconds("d") == nil)
    #expect(AgeText.seconds("99999999999999999d") == nil)
  }
}
