import Glibc

/// A running trace: ipctool's tracefs instance with the syscall tracepoints and C library
/// uprobes enabled, read into `TraceEvent`s. The engine behind `ipctool trace`; it reports
/// values and leaves what to show, and when to stop, to its caller.
///
/// What each source gives:
/// - syscall tracepoints (every caller, any C library or none): System V keys, ids, flags and
///   results; mq_open/mq_unlink results; the errno of the C library's POSIX calls.
/// - uprobes on this machine's C library: the names of POSIX objects, from the caller's memory,
///   with flags and the value returned.
public final class TraceSession {
  public let tracefs: Tracefs
  let instance: TraceInstance
  /// The uprobes, or why there are none (the trace then has no POSIX shm/sem events, and
  /// queues without names).
  public let probes: Result<LibcProbes, SystemError>
  /// What an earlier, killed ipctool left and this one removed.
  public let staleRemoved: [String]
  /// Events the kernel could not keep for us so far (buffers full).
  public private(set) var lostEvents: UInt64 = 0
  private var assembler = EventAssembler()
  private let proc: String
  private var closed = false
  /// The wall clock less the trace clock (CLOCK_MONOTONIC), in nanoseconds.
  private let clockOffset: Int64
  private let startedAt: Int64
  private var processes: [pid_t: (comm: [UInt8], process: ProcessRef?, namespace: UInt64?, container: String?)] = [:]
  private var processesDate: Int64 = 0

  /// The System V calls traced on entry and return. ctl calls are traced on entry only for
  /// IPC_RMID and IPC_SET (a filter in the kernel: IPC_STAT is far more frequent).
  static let sysvCalls = ["shmget", "msgget", "semget", "shmat", "shmdt", "mq_open", "mq_unlink"]
  static let controlCalls = ["shmctl", "msgctl", "semctl"]

  /// Sets up the trace: tracefs found or mounted, stale instances and probes removed, the
  /// instance of process `pid` made and its events enabled. Must run before threads start.
  public init(pid: pid_t = getpid(), proc: String = "/proc", bufferKilobytes: Int? = nil)
    throws(TraceError)
  {
    tracefs = try Tracefs.locate()
    // 64 MiB over all CPUs (a CPU's buffer fills only from that CPU), at least 2 MiB each.
    let cpus = (try? FileDescriptor.open(tracefs.path("per_cpu"), O_RDONLY | O_DIRECTORY).directoryEntries().count) ?? 1
    let bufferKilobytes = bufferKilobytes ?? max(2048, 65536 / max(1, cpus))
    self.proc = proc
    staleRemoved = TraceInstance.removeStale(tracefs, proc: proc)
    let probes: Result<LibcProbes, SystemError>
    do {
      probes = .success(try LibcProbes.define(tracefs, pid: pid, proc: proc))
    } catch {
      probes = .failure(error)
    }
    self.probes = probes
    do {
      instance = try TraceInstance.make(tracefs, pid: pid, bufferKilobytes: bufferKilobytes)
    } catch {
      if case .success(let defined) = probes { defined.remove() }
      throw .failed(error)
    }
    let clocks = ProcessCalls.clocks()
    clockOffset = clocks.wall - clocks.monotonic
    startedAt = clocks.monotonic
    do {
      try enableEvents()
    } catch {
      close()
      throw error
    }
  }

  private func enableEvents() throws(TraceError) {
    guard instance.has(event: "syscalls/sys_enter_shmget") else { throw .noSyscallEvents }
    do {
      for call in Self.sysvCalls + Self.controlCalls {
        if Self.controlCalls.contains(call) {
          try instance.set(
            "events/syscalls/sys_enter_\(call)/filter", "cmd == 0 || cmd == 1 || cmd == 256 || cmd == 257")
        }
        try instance.set("events/syscalls/sys_enter_\(call)/enable", "1")
        try instance.set("events/syscalls/sys_exit_\(call)/enable", "1")
      }
      if case .success(let defined) = probes {
        for call in EventAssembler.errnoCarriers where instance.has(event: "syscalls/sys_exit_\(call)") {
          try instance.set("events/syscalls/sys_exit_\(call)/filter", "ret < 0")
          try instance.set("events/syscalls/sys_exit_\(call)/enable", "1")
        }
        try instance.set("events/\(defined.group)/enable", "1")
      }
      try instance.set("tracing_on", "1")
    } catch {
      throw .failed(error)
    }
  }

  /// Reads events until `shouldStop` says so (asked at least every 100 ms) or `deliver`
  /// returns false. Lost events are added to `lostEvents` as the kernel tells them.
  public func run(shouldStop: () -> Bool, deliver: (TraceEvent) -> Bool) throws(TraceError) {
    let pipe: FileDescriptor
    do {
      pipe = try FileDescriptor.open(instance.folder + "/trace_pipe", O_RDONLY | O_NONBLOCK)
    } catch {
      throw .failed(error)
    }
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 8)
    defer { buffer.deallocate() }
    var partial: [UInt8] = []
    while !shouldStop() {
      do {
        guard try PollCall.waitReadable(pipe.raw, milliseconds: 100) else { continue }
        let count = try PollCall.readAvailable(pipe.raw, into: buffer)
        guard count > 0 else { continue }
        partial += UnsafeRawBufferPointer(rebasing: buffer[0..<count])
      } catch {
        throw .failed(error)
      }
      var start = partial.startIndex
      while let newline = partial[start...].firstIndex(of: 0x0A) {
        let line = partial[start..<newline]
        start = newline + 1
        if let lost = TraceLine.lostCount(line) {
          lostEvents += lost
          continue
        }
        guard let parsed = TraceLine(line), var event = assembler.take(parsed) else { continue }
        enrich(&event)
        if !deliver(event) { return }
      }
      partial.removeSubrange(..<start)
    }
  }

  /// The wall-clock time, the command line and the IPC namespace of the caller (read now: a
  /// process that has ended has none). Kept a second per thread id and kernel name.
  private func enrich(_ event: inout TraceEvent) {
    event.time += clockOffset
    if event.time - processesDate > 1_000_000_000 {
      processes.removeAll(keepingCapacity: true)
      processesDate = event.time
    }
    if let known = processes[event.pid], known.comm == event.comm {
      event.process = known.process
      event.ipcNamespace = known.namespace
      event.container = known.container
      return
    }
    let namespace = ProcessCalls.ipcNamespace(of: event.pid, proc: proc)
    let process = namespace == nil ? nil : ProcessRef.reading(event.pid, proc: proc)
    let container = namespace == nil ? nil : readTextFile("\(proc)/\(event.pid)/cgroup", limit: 1 << 16)
      .flatMap { ContainerName.from(cgroup: $0) }
    processes[event.pid] = (event.comm, process, namespace, container)
    event.process = process
    event.ipcNamespace = namespace
    event.container = container
  }

  /// Seconds since the trace started, on the monotonic clock (for a --duration).
  public func secondsSinceStart() -> Double {
    Double(ProcessCalls.clocks().monotonic - startedAt) / 1e9
  }

  /// Stops tracing and removes the instance and the probes; lost events counted by the
  /// kernel's buffer statistics are added first.
  public func close() {
    guard !closed else { return }
    closed = true
    try? instance.set("tracing_on", "0")
    lostEvents = max(lostEvents, instance.lostEvents())
    instance.remove()
    if case .success(let defined) = probes { defined.remove() }
  }

  deinit { close() }
}
