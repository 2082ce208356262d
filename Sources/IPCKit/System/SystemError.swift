import Glibc

/// A failed system call: which call, on what, and the errno it set.
public struct SystemError: Error, Equatable, CustomStringConvertible, Sendable {
  public var call: String  // "mq_open"
  public var subject: String?  // "/jobs", "semid 5"
  public var code: Errno
  /// Not the kernel's answer but ours: the call was not made, for this reason (a /dev/shm that
  /// could not be verified, a namespace whose root we could not become).
  public var refusal: IPCError.Reason?

  public init(call: String, subject: String? = nil, code: Errno, refusal: IPCError.Reason? = nil) {
    self.call = call
    self.subject = subject
    self.code = code
    self.refusal = refusal
  }

  public var description: String {
    let what = [call, subject].compactMap { $0 }.joined(separator: " ")
    return "\(what): \(code)"
  }
}

// Every system call goes through one of these two: the throwing form for the command's own
// work, the non-throwing one for code that runs after fork (no throw, no allocation there).

/// Calls `body` again while it fails with `EINTR`; throws the call's error otherwise.
@discardableResult
func retryingOnInterrupt<R: FixedWidthInteger>(
  _ call: String, _ subject: @autoclosure () -> String? = nil,
  badDescriptorIsAnAnswer: Bool = false, _ body: () -> R
) throws(SystemError) -> R {
  // The subject is made only for an error: thousands of calls succeed in a clean.
  switch valueOrErrno(badDescriptorIsAnAnswer: badDescriptorIsAnAnswer, body) {
  case .success(let value): return value
  case .failure(let code): throw SystemError(call: call, subject: subject(), code: code)
  }
}

/// Calls `body` again while it fails with `EINTR`, and returns its value or the errno it set,
/// without throwing: safe in a forked child. EFAULT and EBADF mean a bug here, not a condition
/// of the system, and stop the program; except where a call answers EBADF about what a
/// descriptor is (`mq_getattr` on a file that is not a queue).
func valueOrErrno<R: FixedWidthInteger>(
  badDescriptorIsAnAnswer: Bool = false, _ body: () -> R
) -> Result<R, Errno> {
  while true {
    let result = body()
    if result != -1 { return .success(result) }
    let code = Errno.current  // read it before anything else runs
    precondition(code != .badAddress, "a bad pointer")
    precondition(badDescriptorIsAnAnswer || code != .badFileDescriptor, "a bad descriptor")
    if code != .interrupted { return .failure(code) }
  }
}
