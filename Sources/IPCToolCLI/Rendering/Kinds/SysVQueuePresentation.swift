import IPCKit

extension SysVQueueDetails: KindPresentation {
  func visit<Sink: FieldSink>(into fields: inout DetailFields<Sink>) {
    fields.add("messages", "messages", .number(messages))
    fields.bytes("bytes", "bytes queued", bytes)
    fields.bytes("max_bytes", "max bytes", maxBytes)
    guard fields.detail else { return }
    fields.add("last_send_pid", "last send pid", .number(lastSendPID))
    fields.add("last_receive_pid", "last receive pid", .number(lastReceivePID))
    fields.time("last_send", "last send", lastSend)
    fields.time("last_receive", "last receive", lastReceive)
  }

  var usage: String { "\(known(messages)) msgs" }
  var listedSize: UInt64? { bytes }
}
