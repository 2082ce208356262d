import Testing

@testable import IPCKit

/// The record is a small header and a boxed payload: listings and clean make tens of thousands,
/// and copies of it must stay cheap (it was 417 bytes of optionals).
@Suite struct RecordSizeTests {
  @Test func theRecordStaysSmall() {
    let size = MemoryLayout<IPCObjectInfo>.size
    #expect(size <= 96, "IPCObjectInfo is \(size) bytes")
    #expect(MemoryLayout<Details>.size == 8, "the details are one pointer to a box")
  }
}
