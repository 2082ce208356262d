/// Why a trace cannot start or go on: values the command line puts in words.
public enum TraceError: Error, Sendable, Equatable {
  /// Tracing needs root (CAP_SYS_ADMIN to mount tracefs, create instances and uprobes).
  case notRoot
  /// tracefs is not mounted and could not be mounted (the call that failed).
  case noTracefs(SystemError)
  /// The trace runs in a pid namespace other than the host's: tracefs reports the host's
  /// pids, which this one can neither name its instances by nor look up in its /proc.
  case foreignPidNamespace
  /// The kernel has no syscall tracepoints (CONFIG_FTRACE_SYSCALLS unset).
  case noSyscallEvents
  /// A step of setting up or reading the trace failed.
  case failed(SystemError)
}
