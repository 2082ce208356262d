import Foundation
import Testing

@testable import IPCToolCLI

/// `receive --json`'s base64 and `--hex`, and `dump`'s hexdump layout, against independent
/// encoders (Foundation's base64) and hand-made lines.
@Suite struct MessageRenderingTests {
  @Test(arguments: 0..<8) func base64MatchesFoundation(length: Int) {
    let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 97 + 255) }
    #expect(MessageRendering.base64(bytes) == Data(bytes).base64EncodedString())
  }

  @Test func hexIsTwoLowercaseDigitsPerByte() {
    #expect(MessageRendering.hex([0, 0xff, 0x0a]) == "00ff0a")
    #expect(MessageRendering.hex([]) == "")
  }

  @Test func aDumpOfNothingIsItsOffsetAlone() {
    #expect(HexDump.lines([], from: 32) == "00000020\n")
  }

  @Test func controlBytesNeverReachTheTerminalInADump() {
    let line = HexDump.lines([0x1b, 0x5b, 0x32, 0x4a, 0x7f, 0x80], from: 0)
    #expect(line == "00000000  1b 5b 32 4a 7f 80" + String(repeating: " ", count: 33) + "|.[2J..|\n00000006\n")
  }
}
