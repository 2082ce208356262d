import IPCKit

/// The sentences of `post` and `wait`.
enum SemaphoreWording {
  static func notASemaphore(_ subject: String, _ kind: IPCKind) -> String {
    "\(subject) is a \(kind.rawValue), not a semaphore"
  }

  static func notASemaphore(_ kind: IPCKind) -> String { "a \(kind.rawValue), not a semaphore" }

  static func line(_ error: SemaphoreError, _ step: SemaphoreStep, _ subject: String) -> String {
    let head = "\(step.rawValue) \(subject): "
    switch error {
    case .wouldBlock: return head + "the value is 0"
    case .timedOut(let seconds):
      return head + "timed out after \(TransferWording.secondsText(seconds)): the value stayed 0"
    case .stopped: return head + "stopped"
    case .atMaximum: return head + "the value is at its maximum"
    case .noSuchIndex(let count): return head + "no semaphore of that index: the set has \(count)"
    case .notASemaphore(let kind): return head + notASemaphore(kind)
    case .system(let failure): return IPCError(operation: step.rawValue, subject: subject, failure).line
    }
  }
}
