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

  /// "PostgreSQL, postmaster 4242", or "PostgreSQL, postmaster 4242 (gone)".
  public var description: String {
    if let process { return "\(application), \(role) \(process.pid)" }
    return "\(application), \(role)" + (formerPID.map { " \($0)" } ?? "") + " (gone)"
  }
}
