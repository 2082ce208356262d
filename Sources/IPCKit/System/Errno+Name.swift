import CIPCShims

extension Errno {
  /// The symbolic name, "EEXIST", as strace shows it; nil for a number the C library does not
  /// name.
  public var name: String? { ipcshim_errno_name(rawValue).map { String(cString: $0) } }
}
