import CIPCShims
import Glibc

/// The device of the kernel's internal shm mount, where System V segments, memfd files and
/// shared anonymous mappings live: learnt from a memfd of our own, made and closed at once.
/// No mount a user makes has it. Nil if no memfd can be made.
///
/// The corresponding C calls are `memfd_create(2)` and `fstat(2)`.
func internalShmDevice() -> UInt64? {
  guard case .success(let fd) = valueOrErrno({ ipcshim_memfd("ipctool-memory", 0) }) else {
    return nil
  }
  let descriptor = FileDescriptor(raw: fd)
  return (try? descriptor.status()).map { UInt64($0.st_dev) }
}
