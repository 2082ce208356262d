import Glibc

/// A post (+1) or a wait (-1, waiting while the value is 0) on one semaphore, POSIX or System V
/// alike: what `ipctool post` and `wait` do. Each family's calls live in its own type.
public enum SemaphoreStep: String, Sendable {
  case post, wait

  /// Does the step on `object` (on a System V set, semaphore `index`); the value before and
  /// after. A wait under `MessageWait` waits as a receive does.
  public func apply(
    to object: IPCObjectInfo, index: Int?, context: IPCContext, wait: MessageWait
  ) throws(SemaphoreError) -> (before: Int, after: Int) {
    switch object.identity {
    case .named(let name) where object.kind == .posixSemaphore:
      guard index == nil || index == 0 else { throw .noSuchIndex(count: 1) }
      return try PosixSemaphore.step(self, name, in: Inventory(context: context), wait: wait)
    case .sysv(let id, _) where object.kind == .sysvSemaphore:
      var count = 0
      if case .sysvSemaphore(let set) = object.details { count = Int(set.count ?? 0) }
      let index = index ?? 0
      guard (0..<count).contains(index) else { throw .noSuchIndex(count: count) }
      return try SysVSemaphoreSet.step(self, id, index: index, wait: wait)
    default:
      throw .notASemaphore(object.kind)
    }
  }
}

/// Why a post or wait did not happen. Values: the command line puts them in words.
public enum SemaphoreError: Error, Sendable, Equatable {
  /// The value was 0 under `--nonblock`.
  case wouldBlock
  case timedOut(seconds: Double)
  case stopped(signal: Int32)
  /// The value is at its maximum (SEM_VALUE_MAX, or SEMVMX = 32767 for System V).
  case atMaximum
  /// `--index` past the set's semaphores.
  case noSuchIndex(count: Int)
  case notASemaphore(IPCKind)
  case system(SystemError)

  init(_ error: TransferError, call: String, subject: String) {
    switch error {
    case .wouldBlock: self = .wouldBlock
    case .timedOut(let seconds): self = .timedOut(seconds: seconds)
    case .stopped(let signal): self = .stopped(signal: signal)
    case .system(var failure):
      if failure.code == Errno(rawValue: EOVERFLOW) || failure.code == .resultOutOfRange {
        self = .atMaximum
        return
      }
      failure.call = call
      failure.subject = subject
      self = .system(failure)
    case .tooLarge, .notAQueue, .cannotPeek: preconditionFailure("not a semaphore's error")
    }
  }
}
