import IPCKit

/// Receives the fields of one object in order. The JSON contract and the text of `inspect`
/// are both made by visiting the same list, so the two cannot drift apart.
protocol FieldSink {
  /// `text` is made only by sinks that show text; JSON needs none.
  mutating func add(
    _ key: StaticString, _ label: StaticString, _ json: JSON, _ text: @autoclosure () -> String?)
}

/// Writes the fields as one JSON object, straight into bytes: listings write thousands.
struct JSONObjectSink: FieldSink {
  let out: ByteBuffer
  private var first = true

  init(into out: ByteBuffer) { self.out = out }

  mutating func add(
    _ key: StaticString, _ label: StaticString, _ json: JSON, _ text: @autoclosure () -> String?
  ) {
    out.append(first ? "{\"" as StaticString : ", \"")
    first = false
    out.append(key)
    out.append("\": " as StaticString)
    json.write(to: out)
  }

  func close() { out.append(first ? "{}" as StaticString : "}") }
}

/// Collects "label  text" lines for `inspect`.
struct TextSink: FieldSink {
  var lines: [(key: String, label: String, text: String)] = []

  mutating func add(
    _ key: StaticString, _ label: StaticString, _ json: JSON, _ text: @autoclosure () -> String?
  ) {
    let shown: String
    if let made = text() {
      shown = made
    } else if case .string(let value) = json {
      shown = value
    } else {
      shown = json == .null ? "-" : json.text
    }
    lines.append((key.description, label.description, shown))
  }
}

/// Passes on only the fields named (`list --json -o ref,owner`).
struct ChosenFields<Sink: FieldSink>: FieldSink {
  var sink: Sink
  let only: Set<String>

  mutating func add(
    _ key: StaticString, _ label: StaticString, _ json: JSON, _ text: @autoclosure () -> String?
  ) {
    guard only.contains(key.description) else { return }
    sink.add(key, label, json, text())
  }
}

struct ObjectFields {
  let users: UserNames
  /// Adds "users" and "held_by" (list --users; inspect always).
  var withUsers = false
  /// What known applications hold, for "held_by".
  var holds = ApplicationHolds()
  /// The IPC namespace (inode) and container objects came from (--all-namespaces).
  var namespace: (inode: UInt64, container: String?)?
  /// Only these fields (list --json -o); nil for all.
  var only: Set<String>?

  /// What `list --json` promises for every object; `detail` adds what `inspect` shows.
  func visit<Sink: FieldSink>(_ object: IPCObjectInfo, detail: Bool, into sink: inout Sink) {
    guard let only else { return visitAll(object, detail: detail, into: &sink) }
    var chosen = ChosenFields(sink: sink, only: only)
    visitAll(object, detail: detail, into: &chosen)
    sink = chosen.sink
  }

  private func visitAll<Sink: FieldSink>(_ object: IPCObjectInfo, detail: Bool, into sink: inout Sink) {
    func add(_ key: StaticString, _ label: StaticString, _ json: JSON, _ text: @autoclosure () -> String? = nil) {
      sink.add(key, label, json, text())
    }
    let reference: JSON =
      object.name.map { .name($0, .reference(object.kind)) } ?? .string(object.reference.description)
    add("ref", "reference", reference, object.reference.description)
    add("kind", "kind", .string(object.kind.rawValue), object.kind.summary)
    // `name` is the exact name where it is valid UTF-8 (else null); `name_hex` is always its
    // exact bytes, slash included. Text shows the name escaped, as `ref` does.
    add("name", "name", object.name.map { .name($0, .exact) } ?? .null, object.name?.description ?? "-")
    add("name_hex", "name bytes", object.name.map { .name($0, .hex) } ?? .null,
      object.name.map { hexDigits($0.bytes) } ?? "-")
    add("id", "id", .number(object.id))
    // Unsigned, as ipcs prints keys in hex: 0xdeadbeef is 3735928559, not a negative number.
    add("key", "key", .number(object.key.map { UInt32(bitPattern: $0) }),
      object.key.map(formatKey) ?? "-")
    add("uid", "uid", .number(object.uid))
    add("gid", "gid", .number(object.gid))
    add("owner", "owner", .string(users.name(of: object.uid)))
    add("mode", "mode", .string(object.permissions.octal),
      "\(object.permissions.octal) (\(object.permissions))")
    add("changed", "changed", .number(object.changed), timeText(object.changed))
    add("last_activity", "last activity", .number(object.lastActivity), timeText(object.lastActivity))
    var details = DetailFields(sink: sink, detail: detail)
    object.details.visit(into: &details)
    sink = details.sink
    if detail || withUsers {
      let holder = holds.holder(of: object)
      add("users", "users", usersJSON(object.users), usersText(object.users, object.kind, heldBy: holder))
      add("held_by", "held by", holderJSON(holder), holder?.description ?? "-")
    }
    if !object.kind.isNamed {
      add("creator_uid", "creator uid", .number(object.creator?.uid))
      add("creator_gid", "creator gid", .number(object.creator?.gid))
    }
    if let namespace {
      add("namespace", "namespace", .number(namespace.inode))
      add("container", "container", .string(namespace.container))
    }
    if detail {
      add("permissions", "permissions", .string(object.permissions.description))
      let readable = object.isReadable()
      add("readable", "readable", .bool(readable),
        readable ? "yes" : "no: what needs read permission is not shown")
    }
  }

  /// Appends the object as JSON to `out`.
  func writeJSON(_ object: IPCObjectInfo, detail: Bool, to out: ByteBuffer) {
    var sink = JSONObjectSink(into: out)
    visit(object, detail: detail, into: &sink)
    sink.close()
  }

  /// The objects as lines of a document, each `,\n  {...}`: listings render their chunks
  /// this way on the threads that read them, and `document` joins the parts.
  func lines(_ objects: [IPCObjectInfo], detail: Bool) -> ByteBuffer {
    // About 260 bytes an object (with name_hex): room for all, so the buffer never doubles.
    let out = ByteBuffer(capacity: objects.count * 300 + 16)
    for object in objects {
      out.append(",\n  " as StaticString)
      writeJSON(object, detail: detail, to: out)
    }
    return out
  }

  /// `{"objects": [` and one object per line, from parts made by `lines`, to be written in
  /// turn.
  func document(
    lines parts: [ByteBuffer], deletedMappings: [UsageScanner.DeletedMapping]? = nil
  ) -> [ByteBuffer] {
    let head = ByteBuffer(capacity: 64)
    head.append(UInt8(ascii: "{"))
    if let deletedMappings {
      head.append("\"deleted_mappings\": " as StaticString)
      Self.write(deletedMappings, to: head)
      head.append(", " as StaticString)
    }
    head.append("\"objects\": [" as StaticString)
    let first = parts.first { $0.count > 0 }
    first?.removeFirst(1)  // the first line's comma
    let tail = ByteBuffer(capacity: 64)
    tail.append(first == nil ? "]}\n" as StaticString : "\n]}\n")
    return [head] + parts + [tail]
  }

  /// `[{"pid": 4242, "command": "...", "path": "..."}, ...]`, written straight out: a host may
  /// hold 100,000 such mappings, a few processes each many, so a process's command is escaped
  /// once, not once per mapping.
  static func write(_ mappings: [UsageScanner.DeletedMapping], to out: ByteBuffer) {
    var command = (pid: Int32(-1), json: ByteBuffer(capacity: 0))
    out.append(UInt8(ascii: "["))
    for (index, mapping) in mappings.enumerated() {
      if command.pid != mapping.process.pid {
        command = (mapping.process.pid, ByteBuffer(capacity: 128))
        JSON.escape(mapping.process.command, into: command.json)
      }
      out.append(index == 0 ? "{\"pid\": " as StaticString : ", {\"pid\": ")
      JSON.number(mapping.process.pid).write(to: out)
      out.append(", \"command\": " as StaticString)
      out.append(command.json.bytes)
      out.append(", \"path\": " as StaticString)
      JSON.escape(mapping.path, into: out)
      out.append(UInt8(ascii: "}"))
    }
    out.append(UInt8(ascii: "]"))
  }

  func document(_ objects: [IPCObjectInfo], detail: Bool) -> [ByteBuffer] {
    document(lines: [lines(objects, detail: detail)])
  }

  func textLines(_ object: IPCObjectInfo) -> [(key: String, label: String, text: String)] {
    var sink = TextSink()
    visit(object, detail: true, into: &sink)
    return sink.lines
  }
}

/// Bytes as lowercase hex digits, two a byte: what `xxd -r -p` reads back.
func hexDigits(_ bytes: [UInt8]) -> String {
  let digits = Array("0123456789abcdef".utf8)
  var out: [UInt8] = []
  out.reserveCapacity(bytes.count * 2)
  for byte in bytes { out += [digits[Int(byte >> 4)], digits[Int(byte & 15)]] }
  return String(decoding: out, as: UTF8.self)
}
