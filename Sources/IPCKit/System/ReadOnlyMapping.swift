import Glibc

/// Mapping an open file read-only, for `ipctool dump`: the pages cannot be written through it.
enum ReadOnlyMapping {
  /// Maps `size` bytes of `file`, shared and read-only.
  ///
  /// The corresponding C call is `mmap(2)` with PROT_READ.
  static func map(_ file: CInt, size: Int, subject: @autoclosure () -> String?)
    throws(SystemError) -> UnsafeRawPointer
  {
    guard let address = mmap(nil, size, PROT_READ, MAP_SHARED, file, 0), address != MAP_FAILED
    else { throw SystemError(call: "mmap", subject: subject(), code: .current) }
    return UnsafeRawPointer(address)
  }
}
