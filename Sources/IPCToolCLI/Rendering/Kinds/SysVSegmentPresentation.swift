import IPCKit

extension SysVSegmentDetails: KindPresentation {
  func visit<Sink: FieldSink>(into fields: inout DetailFields<Sink>) {
    fields.bytes("size", "size", size)
    fields.add("attached", "attached", .number(attached))
    guard fields.detail else { return }
    fields.add("creator_pid", "creator pid", .number(creatorPID))
    fields.add("last_pid", "last attach/detach pid", .number(lastPID))
    fields.time("last_attach", "last attach", lastAttach)
    fields.time("last_detach", "last detach", lastDetach)
    fields.add("marked_for_removal", "marked for removal", .bool(markedForRemoval))
    fields.add("locked", "locked", .bool(locked))
    fields.bytes("resident_bytes", "resident", residentBytes)
    fields.bytes("swapped_bytes", "swapped", swappedBytes)
  }

  var usage: String { "\(known(attached)) attached" + (markedForRemoval ? ", dest" : "") }
  var listedSize: UInt64? { size }
}
