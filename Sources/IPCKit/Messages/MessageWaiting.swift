/// Runs one interruptible call under a `MessageWait`: stop signals are noted instead of ending
/// the process, and a 100 ms tick interrupts the call so that a deadline is checked without a
/// timed call per family (System V has none).
func waiting<R>(
  _ wait: MessageWait, _ attempt: () -> Result<R, Errno>
) -> Result<R, TransferError> {
  if wait == .nonblock {
    return attempt().mapError {
      $0 == .resourceTemporarilyUnavailable || $0 == .noMessage ? .wouldBlock : .errno($0)
    }
  }
  let deadline: Double? =
    if case .timeout(let seconds) = wait { Clock.monotonicSeconds() + seconds } else { nil }
  Signals.startWatching()
  defer { Signals.stopWatching() }
  while true {
    let result = attempt()
    guard case .failure(let code) = result, code == .interrupted else {
      return result.mapError { .errno($0) }
    }
    let signal = Signals.stopSignal
    if signal != 0 { return .failure(.stopped(signal: signal)) }
    if let deadline, Clock.monotonicSeconds() >= deadline, case .timeout(let seconds) = wait {
      return .failure(.timedOut(seconds: seconds))
    }
  }
}

extension TransferError {
  /// A failed call's errno, kept with the call named later by `naming`.
  fileprivate static func errno(_ code: Errno) -> TransferError {
    .system(SystemError(call: "", code: code))
  }

  /// The same error with its call and subject named.
  func naming(_ call: String, _ subject: String) -> TransferError {
    guard case .system(var error) = self else { return self }
    error.call = call
    error.subject = subject
    return .system(error)
  }
}
