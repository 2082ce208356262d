import IPCKit

/// What `send` and `receive` share: how they wait, and how a reference becomes one queue.
enum MessageOptions {
  static let nonblock = OptionSpec(
    "nonblock", short: "n", help: "Do not wait: a full or empty queue fails at once.")
  static let timeout = TypedOption(
    OptionSpec(
      "timeout", short: "T", value: "duration",
      help: "Wait at most this long: seconds (1.5), or with a unit: 250ms, 10s, 2m."),
    expected: "a duration such as 1.5, 250ms, 10s or 2m", read: seconds(_:))

  /// Seconds in `text`: a decimal number, optionally followed by ms, s or m.
  static func seconds(_ text: String) -> Double? {
    let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60)]
    for (unit, scale) in units where text.hasSuffix(unit) {
      return Double(text.dropLast(unit.count)).flatMap { $0 >= 0 && $0.isFinite ? $0 * scale : nil }
    }
    return Double(text).flatMap { $0 >= 0 && $0.isFinite ? $0 : nil }
  }

  /// How the command waits, from --nonblock and --timeout (which exclude each other).
  static func wait(_ parsed: ParsedArguments) throws(UsageError) -> MessageWait {
    let seconds = try parsed.value(timeout)
    if parsed.flag(nonblock) {
      guard seconds == nil else {
        throw UsageError("'--nonblock' and '--timeout' exclude each other", parsed.command)
      }
      return .nonblock
    }
    return seconds.map(MessageWait.timeout) ?? .block
  }

  /// The one queue `word` names. A reference whose kind is written and is no queue is a usage
  /// error (nothing looked up); a name or id that turns out to be no queue is a failure.
  static func queue(_ word: String, _ parsed: ParsedArguments, operation: String)
    throws(MessageFailure) -> IPCObjectInfo
  {
    let reference: IPCReference
    do {
      reference = try IPCReference(parsing: word)
    } catch {
      throw .usage(UsageError(error.description, parsed.command))
    }
    if let kind = reference.kind, !kind.isQueue {
      throw .usage(UsageError(TransferWording.notAQueue(reference.description, kind), parsed.command))
    }
    let found: [IPCObjectInfo]
    do {
      found = try Inventory(context: parsed.context).find(reference, for: operation)
    } catch {
      throw .failed(error.line)
    }
    guard let queue = found.first(where: { $0.kind.isQueue }) else {
      let kinds = found.map(\.kind)
      throw .failed(
        "\(operation) \(reference): " + TransferWording.notAQueue(kinds.first ?? .posixSharedMemory))
    }
    return queue
  }
}

/// How a message command ends early: a usage error (exit 2) or one line of failure (exit 1).
enum MessageFailure: Error {
  case usage(UsageError)
  case failed(String)
}

extension IPCKind {
  var isQueue: Bool { self == .posixQueue || self == .sysvQueue }
}

extension IPCReference {
  /// The kind written in the reference; nil for a bare /name.
  var kind: IPCKind? {
    switch self {
    case .named(_, let kind): kind
    case .sysvID(let kind, _), .sysvKey(let kind, _): kind
    }
  }
}
