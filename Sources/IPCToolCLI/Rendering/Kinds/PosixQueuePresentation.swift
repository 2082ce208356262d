import IPCKit

extension PosixQueueDetails: KindPresentation {
  func visit<Sink: FieldSink>(into fields: inout DetailFields<Sink>) {
    fields.add("messages", "messages", .number(messages))
    fields.add("max_messages", "max messages", .number(maxMessages))
    fields.add("message_size", "message size", .number(messageSize))
    fields.bytes("bytes", "bytes queued", bytes)
    if fields.detail { fields.add("notify_pid", "notify pid", .number(notifyPID)) }
  }

  var usage: String { "\(known(messages))/\(known(maxMessages)) msgs" }
  var listedSize: UInt64? { bytes }
}
