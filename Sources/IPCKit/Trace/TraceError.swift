/// Why a trace cannot start or go on: values the command line puts in words.
public enum TraceError: Error, Sendable, Equatable {
  /// Tracing needs root (CAP_SYS_ADMIN to mount tracefs, create instances and uprobes).
  case notRoot
  /// tracefs is not mounted and could not be mounted (the call that failed).
  case noTracefs(SystemError)
  /// The kernel has no syscall tracepoints (CONFIG_FTRACE_SYSCALLS unset).
  case noSyscallEvents
  /// A step of setting up or reading the trace failed.
  case failed(SystemError)
}
