import Glibc

/// Why another process's IPC namespace could not be entered: values, which the command line
/// puts in words (naming its own option).
public enum TargetError: Error, Equatable, Sendable {
  /// No process has this pid (in the /proc read).
  case noSuchProcess(pid_t)
  /// Its /proc/PID/ns/ipc could not be looked at (ptrace access is needed).
  case namespaceNotVisible(pid_t, Errno)
  /// Its namespace file could not be opened.
  case namespaceNotOpened(pid_t, Errno)
  /// setns refused (CAP_SYS_ADMIN is needed).
  case namespaceNotJoined(pid_t, Errno)
}
