import Glibc

/// The size and use of the file system behind a descriptor (an O_PATH one will do).
///
/// The corresponding C call is `fstatvfs(3)`.
func fileSystemSpace(_ descriptor: CInt) -> Result<statvfs, Errno> {
  var space = statvfs()
  return valueOrErrno { fstatvfs(descriptor, &space) }.map { _ in space }
}
