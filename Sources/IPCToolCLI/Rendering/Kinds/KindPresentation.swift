import IPCKit

/// How one kind's details are shown: its JSON fields and `inspect` lines, its USAGE cell and
/// its SIZE cell. Each kind says it in one place, its own file.
protocol KindPresentation {
  /// The kind's own fields, after the common ones; `fields.detail` adds what `inspect` shows.
  func visit<Sink: FieldSink>(into fields: inout DetailFields<Sink>)
  /// The USAGE cell of `list`.
  var usage: String { get }
  /// The SIZE cell of `list`: bytes of memory, or bytes queued.
  var listedSize: UInt64? { get }
}

/// The one place that picks a kind's presentation. A switch, not an existential: through
/// `any KindPresentation` the generic `visit` ran unspecialized, a dynamic call per field of
/// every object of a listing.
extension Details {
  func visit<Sink: FieldSink>(into fields: inout DetailFields<Sink>) {
    switch self {
    case .posixQueue(let queue): queue.visit(into: &fields)
    case .sysvQueue(let queue): queue.visit(into: &fields)
    case .posixSharedMemory(let segment): segment.visit(into: &fields)
    case .sysvSharedMemory(let segment): segment.visit(into: &fields)
    case .posixSemaphore(let semaphore): semaphore.visit(into: &fields)
    case .sysvSemaphore(let set): set.visit(into: &fields)
    }
  }

  var usage: String { presentation.usage }
  var listedSize: UInt64? { presentation.listedSize }

  private var presentation: any KindPresentation {
    switch self {
    case .posixQueue(let queue): queue
    case .sysvQueue(let queue): queue
    case .posixSharedMemory(let segment): segment
    case .sysvSharedMemory(let segment): segment
    case .posixSemaphore(let semaphore): semaphore
    case .sysvSemaphore(let set): set
    }
  }
}

/// Adds one kind's fields to a sink, with the helpers every kind uses.
struct DetailFields<Sink: FieldSink> {
  var sink: Sink
  /// `inspect`, not `list`: more fields.
  let detail: Bool

  mutating func add(
    _ key: StaticString, _ label: StaticString, _ json: JSON, _ text: @autoclosure () -> String? = nil
  ) {
    sink.add(key, label, json, text())
  }

  /// A byte count: a number in JSON, "4096 (4.0K)" in text.
  mutating func bytes(_ key: StaticString, _ label: StaticString, _ value: UInt64?) {
    add(key, label, .number(value), value.map { "\($0) (\(ByteSize.human($0)))" } ?? "-")
  }

  /// Unix seconds in JSON, a date in text.
  mutating func time(_ key: StaticString, _ label: StaticString, _ value: Int?) {
    add(key, label, .number(value), timeText(value))
  }
}

/// A count the kernel may not have told: "?" where unknown.
func known(_ value: (some BinaryInteger)?) -> String { value.map { String($0) } ?? "?" }
