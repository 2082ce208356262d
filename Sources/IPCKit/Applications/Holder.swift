import Glibc

/// A known application's claim on objects that no process maps or holds open: a server that
/// keeps a segment alive between uses, with nothing in /proc to show it.
public struct Holder: Sendable, Equatable {
  /// "PostgreSQL".
  public var application: String
  /// The process that holds the objects ("postmaster"), and the process itself; nil process
  /// when it is gone (then the objects are a set it left).
  public var role: String
  public var process: ProcessRef?
  /// The pid of a holder that is gone, where the objects record it.
  public var formerPID: pid_t?
  /// How the claim is known.
  public var basis: Basis = .listed

  public enum Basis: Sendable, Equatable {
    /// The application's own records list the object.
    case listed
    /// The application runs, but its records could not be read: the object may be its.
    case unread
    /// Its records, read a moment ago, do not list it, but it was made seconds before (an
    /// application lists what it makes just after making it).
    case justMade(changed: Int)
  }

  public init(
    application: String, role: String, process: ProcessRef?, formerPID: pid_t? = nil,
    basis: Basis = .listed
  ) {
    (self.application, self.role, self.process) = (application, role, process)
    (self.formerPID, self.basis) = (formerPID, basis)
  }
}
