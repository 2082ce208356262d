import IPCKit

/// The sentences of `send` and `receive`: every failure one line naming the object and, where
/// a message did not fit, the limit it ran into.
enum TransferWording {
  /// "sysv-shm:5 is a sysv-shm, not a message queue".
  static func notAQueue(_ subject: String, _ kind: IPCKind) -> String {
    "\(subject) is a \(kind.rawValue), not a message queue"
  }

  static func notAQueue(_ kind: IPCKind) -> String { "a \(kind.rawValue), not a message queue" }

  /// The line after "ipctool: " for a send or receive that did not happen; nil when there is
  /// nothing to say (a stop signal: the exit status tells).
  static func line(
    _ error: TransferError, _ operation: Operation, _ subject: String, limit: MessageLimit?
  ) -> String? {
    let full = limit.map(fullLine) ?? "the queue is full"
    let head = "\(operation.rawValue) \(subject): "
    switch error {
    case .wouldBlock:
      return head + (operation == .send ? full : "no message")
    case .timedOut(let seconds):
      let after = "timed out after \(secondsText(seconds))"
      return head + after + (operation == .send ? ": " + full : ": no message came")
    case .stopped:
      return nil
    case .tooLarge(let size, let limit):
      return head + "a message of \(size) bytes is larger than the queue takes: " + limitText(limit)
    case .notAQueue(let kind):
      return head + notAQueue(kind)
    case .cannotPeek(.posixQueue):
      return head + "the kernel cannot show a POSIX queue's messages without taking them"
    case .cannotPeek:
      return head + "this kernel has no MSG_COPY (CONFIG_CHECKPOINT_RESTORE): messages cannot be"
        + " shown without taking them"
    case .system(let failure):
      return IPCError(operation: operation.rawValue, subject: subject, failure).line
    }
  }

  enum Operation: String {
    case send, receive, peek
  }

  /// "mq_msgsize = 8192 bytes", "msg_qbytes = 16384, kernel.msgmax = 8192 bytes".
  static func limitText(_ limit: MessageLimit) -> String {
    switch limit {
    case .posix(let messageSize, _):
      return "its mq_msgsize is \(messageSize) bytes"
    case .sysv(let queueBytes, let kernelMax):
      let parts = [
        queueBytes.map { "its msg_qbytes is \($0)" }, kernelMax.map { "kernel.msgmax is \($0)" },
      ].compactMap { $0 }
      return parts.joined(separator: " and ") + " bytes"
    }
  }

  /// The full queue's limit, for --nonblock and --timeout sends.
  static func fullLine(_ limit: MessageLimit) -> String {
    switch limit {
    case .posix(_, let maxMessages): "the queue is full: \(maxMessages) messages (mq_maxmsg)"
    case .sysv(let queueBytes, _):
      "the queue is full: \(queueBytes.map(String.init) ?? "?") bytes (msg_qbytes)"
    }
  }

  /// 2, 1.5, 0.25: as typed, without a trailing ".0".
  static func secondsText(_ seconds: Double) -> String {
    let whole = seconds.rounded()
    return (whole == seconds && whole < 1e15 ? String(Int(whole)) : String(seconds)) + "s"
  }
}
