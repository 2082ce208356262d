import CIPCShims
import Glibc

/// Opens `path` below the folder `directory` without following any symbolic link on the way
/// and without leaving the folder ("..", an absolute link): a component someone renamed or
/// replaced with a link since a mount table or a cgroup file named it fails instead of leading
/// elsewhere. O_CLOEXEC is added.
///
/// The corresponding C call is `openat2(2)` with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS.
func openWithoutLinks(
  _ directory: CInt, _ path: String, _ flags: CInt
) throws(SystemError) -> FileDescriptor {
  let resolve = UInt64(IPCSHIM_RESOLVE_BENEATH | IPCSHIM_RESOLVE_NO_SYMLINKS)
  let fd = try retryingOnInterrupt("openat2", path) {
    ipcshim_openat2(directory, path, flags | O_CLOEXEC, resolve)
  }
  return FileDescriptor(raw: fd)
}
