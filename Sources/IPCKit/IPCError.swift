import Glibc

/// Why an operation on one object failed, in words a user can act on.
///
/// `ipctool: unlink posix-shm:/x: Permission denied` reads as operation, subject, reason.
public struct IPCError: Error, CustomStringConvertible, Sendable {
  public var operation: String  // "unlink"
  public var subject: String  // "posix-shm:/x": a reference as printed, already escaped
  public var reason: String  // "Permission denied"
  public var code: CInt?  // the errno behind it, if any

  public init(operation: String, subject: String, reason: String, code: CInt? = nil) {
    self.operation = operation
    self.subject = subject
    self.reason = reason
    self.code = code
  }

  /// Wraps a failed call, keeping its errno and the kernel's sentence for it.
  public init(operation: String, subject: String, _ error: SystemError, hint: String? = nil) {
    // EPERM ("Operation not permitted") and EACCES mean the same to a user here.
    let text = SystemError.text(for: error.code == EPERM ? EACCES : error.code)
    // A limit named by its sysctl is also a row of `ipctool limits`.
    let pointer =
      hint.map { $0.contains("kernel.") || $0.contains("fs.mqueue.") } == true
      ? "; see 'ipctool limits'" : ""
    self.init(
      operation: operation, subject: subject,
      reason: hint.map { "\(text) (\($0)\(pointer))" } ?? text, code: error.code)
  }

  /// One line. The subject is a reference's description, whose name is escaped already:
  /// escaping it again would print a name other than the one to type back.
  public var description: String { "\(operation) \(subject): \(reason)" }

  /// True when the object was not there: `clean` and races treat it as already gone.
  public var isNoSuchObject: Bool { code == ENOENT || code == EIDRM }
}
