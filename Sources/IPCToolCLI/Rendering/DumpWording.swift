import IPCKit

/// The sentences of `dump`.
enum DumpWording {
  static func notASegment(_ subject: String, _ kind: IPCKind) -> String {
    "\(subject) is a \(kind.rawValue), not a shared memory segment"
  }

  static func notASegment(_ kind: IPCKind) -> String {
    "a \(kind.rawValue), not a shared memory segment"
  }

  static func line(_ error: DumpError, _ subject: String) -> String {
    switch error {
    case .beyondSize(let size):
      "dump \(subject): the range ends past the segment's size, \(size) bytes"
    case .notASegment(let kind):
      "dump \(subject): " + notASegment(kind)
    case .system(let failure):
      IPCError(operation: "dump", subject: subject, failure).line
    }
  }
}
