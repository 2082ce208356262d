import IPCKit

extension PosixSegmentDetails: KindPresentation {
  func visit<Sink: FieldSink>(into fields: inout DetailFields<Sink>) {
    fields.bytes("size", "size", size)
    if fields.detail { fields.bytes("resident_bytes", "resident", residentBytes) }
  }

  var usage: String { "-" }
  var listedSize: UInt64? { size }
}
