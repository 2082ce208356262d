import Glibc
import IPCKit

extension IPCContext {
  /// The context the command line works in: the system as this process sees it, unless
  /// IPCTOOL_PROC, IPCTOOL_SHM or IPCTOOL_MQUEUE (see the man page's ENVIRONMENT) name other
  /// folders. Read here, once, by the front end: the library never reads the environment.
  static func fromEnvironment() -> IPCContext {
    func variable(_ name: String) -> String? {
      getenv(name).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
    }
    let shm = variable("IPCTOOL_SHM")
    let paths = IPCPaths(
      proc: variable("IPCTOOL_PROC") ?? "/proc", shm: shm ?? "/dev/shm",
      mqueue: variable("IPCTOOL_MQUEUE"), shmAccess: shm == nil ? ShmHandle.open(pid: nil) : nil)
    return IPCContext(paths: paths)
  }
}
