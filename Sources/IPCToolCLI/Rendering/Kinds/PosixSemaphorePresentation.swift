import IPCKit

extension PosixSemaphoreDetails: KindPresentation {
  func visit<Sink: FieldSink>(into fields: inout DetailFields<Sink>) {
    fields.add("value", "value", .number(value))
  }

  var usage: String { "value \(known(value))" }
  var listedSize: UInt64? { nil }
}
