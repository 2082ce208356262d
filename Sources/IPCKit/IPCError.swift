import Glibc

/// Why an operation on one object failed, in words a user can act on.
///
/// `ipctool: unlink posix-shm:/x: Permission denied` reads as operation, subject, reason.
public struct IPCError: Error, CustomStringConvertible, Sendable, Equatable {
  public var operation: String  // "unlink"
  public var subject: String  // "posix-shm:/x": a reference as printed, already escaped
  public var reason: String  // "Permission denied"
  public var code: Errno?  // the errno behind it, if any
  /// What the failure ran into, where ipctool can tell: a kernel limit or a full /dev/shm.
  public var hint: Hint?

  /// What a failure ran into: values, which the command line puts in words.
  public struct Hint: Sendable, Equatable {
    /// "too many queues: kernel.msgmni = 1", "/dev/shm is full".
    public var text: String
    /// Whether it names a kernel limit that `ipctool limits` shows.
    public var isKernelLimit: Bool

    public init(_ text: String, isKernelLimit: Bool = false) {
      self.text = text
      self.isKernelLimit = isKernelLimit
    }

    /// A hint naming a kernel limit and the sysctl that sets it.
    public static func limit(_ text: String) -> Hint { Hint(text, isKernelLimit: true) }
  }

  public init(operation: String, subject: String, reason: String, code: Errno? = nil) {
    self.operation = operation
    self.subject = subject
    self.reason = reason
    self.code = code
  }

  /// Wraps a failed call, keeping its errno and the kernel's sentence for it.
  public init(operation: String, subject: String, _ error: SystemError, hint: Hint? = nil) {
    // EPERM ("Operation not permitted") and EACCES mean the same to a user here.
    let text = (error.code.isPermissionDenied ? Errno.permissionDenied : error.code).description
    self.init(operation: operation, subject: subject, reason: text, code: error.code)
    self.hint = hint
  }

  /// "unlink posix-shm:/x: Permission denied", without the hint. The subject is a reference's
  /// description, whose name is escaped already: escaping it again would print a name other
  /// than the one to type back.
  public var description: String { "\(operation) \(subject): \(reason)" }

  /// True when the object was not there: `clean` and races treat it as already gone.
  public var isNoSuchObject: Bool { code == .noSuchFileOrDirectory || code == .identifierRemoved }
}
