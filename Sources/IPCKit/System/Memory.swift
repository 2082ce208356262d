import CIPCShims
import Glibc

/// Mapping memory, and reading another process's, each call wrapped once.
enum Memory {
  /// Maps `size` bytes of an open file, shared and writable.
  ///
  /// The corresponding C call is `mmap(2)`.
  static func mapShared(_ file: CInt, size: Int, subject: @autoclosure () -> String?)
    throws(SystemError) -> UnsafeMutableRawPointer
  {
    guard let address = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, file, 0),
      address != MAP_FAILED
    else { throw SystemError(call: "mmap", subject: subject(), code: .current) }
    return address
  }

  /// Never retried: the mapping is gone after the first call.
  ///
  /// The corresponding C call is `munmap(2)`.
  static func unmap(_ address: UnsafeMutableRawPointer, size: Int) {
    _ = munmap(address, size)
  }

  /// A memfd on the kernel's internal shm mount (with `hugetlb`, on its hugetlbfs one), where
  /// System V segments live.
  ///
  /// The corresponding C call is `memfd_create(2)` (in CIPCShims).
  static func memfd(_ name: String, hugetlb: Bool) throws(SystemError) -> FileDescriptor {
    FileDescriptor(
      raw: try retryingOnInterrupt("memfd_create", name) { ipcshim_memfd(name, hugetlb ? 1 : 0) })
  }

  /// Copies `buffer.count` bytes at `address` in `pid`'s memory; how many were copied.
  /// EFAULT is an answer here (nothing mapped there in that process), so the errno is
  /// returned as it is, never taken for a bug of ours.
  ///
  /// The corresponding C call is `process_vm_readv(2)` (in CIPCShims).
  static func readProcess(
    _ pid: pid_t, at address: UInt, into buffer: UnsafeMutableRawBufferPointer
  ) -> Result<Int, Errno> {
    let count = ipcshim_read_process_memory(pid, address, buffer.baseAddress!, buffer.count)
    return count >= 0 ? .success(count) : .failure(.current)
  }
}
