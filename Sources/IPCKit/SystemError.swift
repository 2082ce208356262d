import Glibc

/// A failed system call: which call, on what, and the errno it set.
public struct SystemError: Error, Equatable, CustomStringConvertible, Sendable {
  public var call: String  // "mq_open"
  public var subject: String?  // "/jobs", "semid 5"
  public var code: CInt  // errno

  public init(call: String, subject: String? = nil, code: CInt) {
    self.call = call
    self.subject = subject
    self.code = code
  }

  public var description: String {
    let what = [call, subject].compactMap { $0 }.joined(separator: " ")
    return "\(what): \(SystemError.text(for: code))"
  }

  /// The C library's sentence for an errno value.
  public static func text(for code: CInt) -> String {
    String(cString: strerror(code))
  }
}

/// Calls `body` again while it fails with `EINTR`.
@discardableResult
func retryingOnInterrupt<R: FixedWidthInteger>(
  _ call: String, _ subject: @autoclosure () -> String? = nil, _ body: () -> R
) throws(SystemError) -> R {
  // The subject is made only for an error: thousands of calls succeed in a clean.
  while true {
    let result = body()
    if result != -1 { return result }
    let code = errno  // read it before anything else runs
    if code != EINTR {
      throw SystemError(call: call, subject: subject(), code: code)
    }
  }
}
