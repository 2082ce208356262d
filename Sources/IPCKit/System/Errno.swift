import Glibc

/// An errno value with a name, as swift-system's `Errno`: callers compare `.noSpace`, never 28.
public struct Errno: Error, RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  public let rawValue: CInt

  public init(rawValue: CInt) { self.rawValue = rawValue }

  /// The value the last failed call left in `errno`.
  static var current: Errno { Errno(rawValue: errno) }

  /// The C library's sentence for it: "No space left on device".
  public var description: String { String(cString: strerror(rawValue)) }

  public static let notPermitted = Errno(rawValue: EPERM)
  public static let noSuchFileOrDirectory = Errno(rawValue: ENOENT)
  public static let noSuchProcess = Errno(rawValue: ESRCH)
  public static let interrupted = Errno(rawValue: EINTR)
  public static let badFileDescriptor = Errno(rawValue: EBADF)
  public static let noChildProcess = Errno(rawValue: ECHILD)
  public static let resourceTemporarilyUnavailable = Errno(rawValue: EAGAIN)
  public static let permissionDenied = Errno(rawValue: EACCES)
  public static let badAddress = Errno(rawValue: EFAULT)
  public static let fileExists = Errno(rawValue: EEXIST)
  public static let invalidArgument = Errno(rawValue: EINVAL)
  public static let tooManyOpenFiles = Errno(rawValue: EMFILE)
  public static let fileTooLarge = Errno(rawValue: EFBIG)
  public static let noSpace = Errno(rawValue: ENOSPC)
  public static let resultOutOfRange = Errno(rawValue: ERANGE)
  public static let identifierRemoved = Errno(rawValue: EIDRM)

  /// EPERM and EACCES: refused, whichever word the call used.
  public var isPermissionDenied: Bool { self == .permissionDenied || self == .notPermitted }
}
