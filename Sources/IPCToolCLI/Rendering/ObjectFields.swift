import IPCKit

/// The fields of one object, in order: one list that both the JSON contract and the text of
/// `inspect` are made from, so the two cannot drift apart.
struct ObjectField {
  var key: String  // JSON key
  var label: String  // inspect's label
  var json: JSON
  var text: String
}

struct ObjectFields {
  let users: UserNames

  /// What `list --json` promises for every object; `detail` adds what `inspect` shows.
  func fields(_ object: IPCObjectInfo, detail: Bool) -> [ObjectField] {
    var fields: [ObjectField] = []
    func add(_ key: String, _ label: String, _ json: JSON, _ text: String? = nil) {
      fields.append(ObjectField(key: key, label: label, json: json, text: text ?? plain(json)))
    }
    add("ref", "reference", .string(object.reference.description))
    add("kind", "kind", .string(object.kind.rawValue), object.kind.summary)
    add("name", "name", .string(object.name?.text))
    add("id", "id", .number(object.id))
    add("key", "key", .number(object.key), object.key.map(formatKey) ?? "-")
    add("uid", "uid", .number(object.uid))
    add("gid", "gid", .number(object.gid))
    add("owner", "owner", .string(users.name(of: object.uid)))
    add("mode", "mode", .string(object.permissions.octal),
      "\(object.permissions.octal) (\(object.permissions))")
    add("changed", "changed", .number(object.changed), timeText(object.changed))
    func bytes(_ key: String, _ label: String, _ value: UInt64?) {
      add(key, label, .number(value), value.map { "\($0) (\(ByteSize.human($0)))" } ?? "-")
    }
    switch object.kind {
    case .posixQueue:
      add("messages", "messages", .number(object.messages))
      add("max_messages", "max messages", .number(object.maxMessages))
      add("message_size", "message size", .number(object.messageSize))
      bytes("bytes", "bytes queued", object.bytes)
      if detail { add("notify_pid", "notify pid", .number(object.notifyPID)) }
    case .sysvQueue:
      add("messages", "messages", .number(object.messages))
      bytes("bytes", "bytes queued", object.bytes)
      bytes("max_bytes", "max bytes", object.maxBytes)
      if detail {
        add("last_send_pid", "last send pid", .number(object.lastSendPID))
        add("last_receive_pid", "last receive pid", .number(object.lastReceivePID))
        add("last_send", "last send", .number(object.lastSend), timeText(object.lastSend))
        add("last_receive", "last receive", .number(object.lastReceive),
          timeText(object.lastReceive))
      }
    case .posixSharedMemory:
      bytes("size", "size", object.size)
      if detail { bytes("resident_bytes", "resident", object.residentBytes) }
    case .sysvSharedMemory:
      bytes("size", "size", object.size)
      add("attached", "attached", .number(object.attached))
      if detail {
        add("creator_pid", "creator pid", .number(object.creatorPID))
        add("last_pid", "last attach/detach pid", .number(object.lastPID))
        add("last_attach", "last attach", .number(object.lastAttach), timeText(object.lastAttach))
        add("last_detach", "last detach", .number(object.lastDetach), timeText(object.lastDetach))
        add("marked_for_removal", "marked for removal", object.markedForRemoval.map(JSON.bool) ?? .null)
        add("locked", "locked", object.locked.map(JSON.bool) ?? .null)
        bytes("resident_bytes", "resident", object.residentBytes)
        bytes("swapped_bytes", "swapped", object.swappedBytes)
      }
    case .posixSemaphore:
      add("value", "value", .number(object.value))
    case .sysvSemaphore:
      add("semaphores", "semaphores", .number(object.semaphoreCount))
      if detail {
        add("last_operation", "last semop", .number(object.lastOperation),
          timeText(object.lastOperation))
        add("semaphore_states", "values", semaphoreStates(object.semaphores),
          semaphoreText(object.semaphores))
      }
    }
    if detail && !object.kind.isNamed {
      add("creator_uid", "creator uid", .number(object.creatorUID))
      add("creator_gid", "creator gid", .number(object.creatorGID))
    }
    if detail {
      add("permissions", "permissions", .string(object.permissions.description))
    }
    return fields
  }

  func json(_ object: IPCObjectInfo, detail: Bool) -> JSON {
    .object(fields(object, detail: detail).map { ($0.key, $0.json) })
  }

  private func semaphoreStates(_ states: [SysVSemaphoreState]?) -> JSON {
    guard let states else { return .null }
    return .array(
      states.map {
        .object([
          ("value", .number($0.value)), ("waiting_for_increase", .number($0.waitingForIncrease)),
          ("waiting_for_zero", .number($0.waitingForZero)), ("last_pid", .number($0.lastPID)),
        ])
      })
  }

  private func semaphoreText(_ states: [SysVSemaphoreState]?) -> String {
    guard let states else { return "- (no read permission)" }
    return states.enumerated().map { index, state in
      "\n    [\(index)] value \(state.value), waiting for increase \(state.waitingForIncrease),"
        + " for zero \(state.waitingForZero), last pid \(state.lastPID)"
    }.joined()
  }

  private func plain(_ json: JSON) -> String {
    switch json {
    case .null: "-"
    case .string(let text): text
    default: json.text
    }
  }
}
