import Glibc

/// A running trace: ipctool's tracefs instances with the syscall tracepoints and C library
/// uprobes enabled, read into `TraceEvent`s. The engine behind `ipctool trace`; it reports
/// values and leaves what to show, and when to stop, to its caller.
///
/// What each source gives:
/// - syscall tracepoints (every caller, any C library or none): System V keys, ids, flags and
///   results; mq_open/mq_unlink results; the errno of the C library's POSIX calls.
/// - uprobes on this machine's C library: the names of POSIX objects, from the caller's memory,
///   with flags and the value returned.
///
/// Two instances: the main one records pairs only (an entry and a return a call), so that the
/// calls its full buffer lost can be counted exactly (`LostCalls`); the side one the rest.
public final class TraceSession {
  public let tracefs: Tracefs
  let instance: TraceInstance
  let sideInstance: TraceInstance
  /// The uprobes, or why there are none (the trace then has no POSIX shm/sem events, and
  /// queues without names).
  public let probes: Result<LibcProbes, SystemError>
  /// What an earlier, killed ipctool left and this one removed.
  public let staleRemoved: [String]
  private let selection: TraceSelection
  /// Whether the kernel records only calls the selection selects (decided at the start, while
  /// the selected threads live).
  private let selectionIsKernels: Bool
  private var assembler = EventAssembler()
  /// fanotify's watches of /dev/shm and of the mqueue mount, where they could be made.
  private var shmWatch: Fanotify?
  private var queueWatch: Fanotify?
  /// Where fanotify watches, or why it does not: "/dev/shm", "mqueue".
  public private(set) var fileWatches: [(place: String, error: SystemError?)] = []
  private var files = FileEventMerger()
  /// How many times a fanotify queue overflowed (entries lost; the calls' count is not touched).
  public private(set) var fileOverflows = 0
  private let proc: String
  private var closed = false
  private var pipes: (main: TracePipe, side: TracePipe)?
  /// The wall clock less the trace clock (CLOCK_MONOTONIC), in nanoseconds.
  private let clockOffset: Int64
  private let startedAt: Int64
  private var processes: [pid_t: (comm: [UInt8], process: ProcessRef?, namespace: UInt64?, container: String?)] = [:]
  private var processesDate: Int64 = 0
  private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 8)

  /// The System V calls traced on entry and return in the main instance, and in the side one.
  /// ctl calls are traced on entry only for IPC_RMID and IPC_SET (a filter in the kernel:
  /// IPC_STAT is far more frequent); their returns cannot be filtered so.
  static let pairedCalls = ["shmget", "msgget", "semget", "shmat", "shmdt"]
  static let queueCalls = ["mq_open", "mq_unlink"]
  static let controlCalls = ["shmctl", "msgctl", "semctl"]

  /// Sets up the trace of what `selection` selects: tracefs found or mounted, stale instances
  /// and probes removed, the instances of process `pid` made and the events of the selected
  /// kinds enabled, for the selected threads only when it names some. Must run before threads
  /// start. `bufferKilobytes`: a CPU's buffer (64 MiB over all CPUs by default).
  /// `shm` and `queues`: the /dev/shm and the mqueue directory whose entries fanotify watches
  /// (the context's, opened and verified: the watch is made through their descriptors).
  public init(
    selection: TraceSelection, shm: ShmHandle? = nil, queues: QueueDirectory? = nil, pid: pid_t = getpid(),
    proc: String = "/proc", bufferKilobytes: Int? = nil
  ) throws(TraceError) {
    // tracefs's common_pid, and so every pid a line carries, is the initial pid namespace's:
    // elsewhere the trace would show numbers it cannot look up, and take the instances of a
    // running trace elsewhere for those of a gone one. Checked before anything is touched.
    guard ProcessCalls.ownPidNamespace(proc: proc) == ProcessCalls.initialPidNamespace else {
      throw .foreignPidNamespace
    }
    tracefs = try Tracefs.locate()
    self.selection = selection
    selectionIsKernels = Self.kernelSelects(selection, proc: proc)
    // 64 MiB over all CPUs (a CPU's buffer fills only from that CPU), at least 2 MiB each.
    let cpus = (try? FileDescriptor.open(tracefs.path("per_cpu"), O_RDONLY | O_DIRECTORY).directoryEntries().count) ?? 1
    let bufferKilobytes = bufferKilobytes ?? max(2048, 65536 / max(1, cpus))
    self.proc = proc
    staleRemoved = TraceInstance.removeStale(tracefs, proc: proc)
    // The start time goes into the names with the pid (see TraceInstance).
    guard let start = TraceInstance.startTime(of: pid, proc: proc) else {
      throw .failed(SystemError(call: "open", subject: "\(proc)/\(pid)/stat", code: .noSuchFileOrDirectory))
    }
    let probes: Result<LibcProbes, SystemError>
    do {
      probes = .success(try LibcProbes.define(tracefs, pid: pid, start: start, proc: proc))
    } catch {
      probes = .failure(error)
    }
    self.probes = probes
    var made: [TraceInstance] = []
    do {
      made.append(try TraceInstance.make(tracefs, pid: pid, start: start, bufferKilobytes: bufferKilobytes))
      made.append(
        try TraceInstance.make(tracefs, pid: pid, start: start, suffix: "-side", bufferKilobytes: max(1, bufferKilobytes / 4)))
    } catch {
      for instance in made { instance.remove() }
      if case .success(let defined) = probes { defined.remove() }
      throw .failed(error)
    }
    instance = made[0]
    sideInstance = made[1]
    let clocks = ProcessCalls.clocks()
    clockOffset = clocks.wall - clocks.monotonic
    startedAt = clocks.monotonic
    do {
      try enableEvents()
    } catch {
      close()
      throw error
    }
    if selection.kinds.contains(where: \.isNamed) {
      if let shm { watch(.shm, "/dev/shm") { group throws(SystemError) in try group.mark(directory: shm.descriptor, shm.path) } }
      if let queues, selection.kinds.contains(.posixQueue) {
        watch(.mqueue, "mqueue") { group throws(SystemError) in
          let marked = queues.withDirectory { directory -> SystemError? in
            do throws(SystemError) { try group.mark(directory: directory.raw, "mqueue") } catch { return error }
            return nil
          }
          switch marked {
          case .success(let error?): throw error
          case .success(nil): return
          case .failure: throw SystemError(call: "open", subject: "mqueue", code: .noSuchFileOrDirectory)
          }
        }
      }
    }
    do {
      pipes = (try TracePipe(instance), try TracePipe(sideInstance))
      // The side first: the main instance's tracing_on is what says the trace is ready.
      try sideInstance.set("tracing_on", "1")
      try instance.set("tracing_on", "1")
    } catch {
      close()
      throw .failed(error)
    }
  }

  /// Makes a fanotify group and marks `place` with `mark`; a failure is kept to be told.
  private func watch(_ place: FileEventMerger.Place, _ label: String, _ mark: (borrowing Fanotify) throws(SystemError) -> Void) {
    do {
      let group = try Fanotify()
      try mark(group)
      switch place {
      case .shm: shmWatch = consume group
      case .mqueue: queueWatch = consume group
      }
      fileWatches.append((label, nil))
    } catch {
      fileWatches.append((label, error))
    }
  }

  private func enableEvents() throws(TraceError) {
    guard instance.has(event: "syscalls/sys_enter_shmget") else { throw .noSyscallEvents }
    let kinds = selection.kinds
    func selected(_ call: String) -> Bool { TraceEvent.Call(rawValue: call).map { kinds.contains($0.kind) } ?? false }
    do {
      if !selection.pids.isEmpty {
        try instance.only(threads: selection.pids)
        try sideInstance.only(threads: selection.pids)
      }
      for call in Self.pairedCalls where selected(call) {
        try instance.set("events/syscalls/sys_enter_\(call)/enable", "1")
        try instance.set("events/syscalls/sys_exit_\(call)/enable", "1")
      }
      for call in Self.controlCalls + Self.queueCalls where selected(call) {
        if Self.controlCalls.contains(call) {
          try sideInstance.set(
            "events/syscalls/sys_enter_\(call)/filter", "cmd == 0 || cmd == 1 || cmd == 256 || cmd == 257")
        }
        try sideInstance.set("events/syscalls/sys_enter_\(call)/enable", "1")
        try sideInstance.set("events/syscalls/sys_exit_\(call)/enable", "1")
      }
      if case .success(let defined) = probes {
        let events = defined.events.filter { selected(LibcProbes.call(ofEvent: $0).call) }
        for event in events {
          try instance.set("events/\(defined.group)/\(event)/enable", "1")
        }
        if !events.isEmpty {
          for call in EventAssembler.errnoCarriers where sideInstance.has(event: "syscalls/sys_exit_\(call)") {
            try sideInstance.set("events/syscalls/sys_exit_\(call)/filter", "ret < 0")
            try sideInstance.set("events/syscalls/sys_exit_\(call)/enable", "1")
          }
        }
      }
    } catch {
      throw .failed(error)
    }
  }

  /// Reads events until `shouldStop` says so (asked at least every 100 ms) or `deliver`
  /// returns false (then returns false).
  @discardableResult
  public func run(shouldStop: () -> Bool, deliver: (TraceEvent) -> Bool) throws(TraceError) -> Bool {
    guard let pipes else { return false }
    var behind = false
    while !shouldStop() {
      do {
        // Lines held back by the last round are handed on at once.
        if !behind {
          var watched = [pipes.main.descriptor.raw, pipes.side.descriptor.raw]
          if let raw = shmWatch?.descriptor.raw { watched.append(raw) }
          if let raw = queueWatch?.descriptor.raw { watched.append(raw) }
          guard try PollCall.waitReadable(watched, milliseconds: 100) else { continue }
        }
        let done = try round(pipes, final: false, deliver)
        if !done.delivered { return false }
        behind = done.more
      } catch {
        throw .failed(error)
      }
    }
    return true
  }

  /// One reading of both pipes, and the lines known complete handed on in time order.
  ///
  /// A thread's lines may sit in both instances (a C library call in the main one, the failed
  /// openat that gives its errno in the side one). Both are read, the main first, from a
  /// moment `now`: a side line older than `now` had its thread's earlier main lines written
  /// before it, so before `now`, so they were read; a main line read had its thread's earlier
  /// side lines written before it, so they are read after it. Lines from `now` on wait for the
  /// next round. A pipe read only in part knows no further than its last line.
  /// Returns whether lines wait (or the pipes hold more), and false for `delivered` when
  /// `deliver` said stop. `final`: tracing is off, and every line read is complete.
  private func round(_ pipes: (main: TracePipe, side: TracePipe), final: Bool, _ deliver: (TraceEvent) -> Bool)
    throws(SystemError) -> (more: Bool, delivered: Bool)
  {
    // fanotify first: an entry read now was made by a call whose entry line is older than now.
    readFileWatches()
    // Trace timestamps are in microseconds: a line stamped in the microsecond of `now` waits.
    var watermark = final ? Int64.max : ProcessCalls.clocks().monotonic / 1000 * 1000
    let limit = 1 << 20
    let mainEmptied = try pipes.main.drain(buffer, limit: limit)
    if !mainEmptied, !final, let newest = pipes.main.newest { watermark = min(watermark, newest) }
    let sideEmptied = try pipes.side.drain(buffer, limit: limit)
    if !sideEmptied, !final, let newest = pipes.side.newest { watermark = min(watermark, newest) }
    let pipesHoldMore = !mainEmptied || !sideEmptied
    while true {
      let main = pipes.main.first.flatMap { $0.nanoseconds < watermark ? $0 : nil }
      let side = pipes.side.first.flatMap { $0.nanoseconds < watermark ? $0 : nil }
      let line: TraceLine
      switch (main, side) {
      case (nil, nil):
        let assembler = self.assembler
        for var event in files.resolve(upTo: watermark, openCall: { assembler.openLibcCall($0) }) {
          enrich(&event)
          if !deliver(event) { return (false, false) }
        }
        return (pipesHoldMore || !pipes.main.isEmpty || !pipes.side.isEmpty, true)
      case (let main?, let side?):
        // In the same microsecond a side line goes after an entry and before a return.
        let sideFirst = side.nanoseconds < main.nanoseconds || (side.nanoseconds == main.nanoseconds && main.isReturn)
        line = sideFirst ? pipes.side.removeFirst() : pipes.main.removeFirst()
      case (_?, nil):
        line = pipes.main.removeFirst()
      case (nil, _?):
        line = pipes.side.removeFirst()
      }
      guard var event = assembler.take(line) else { continue }
      if shmWatch != nil || queueWatch != nil { files.note(event) }
      if queueWatch != nil, event.source == .syscall, event.kind == .posixQueue, event.name == nil {
        // Its name may come from fanotify's entry on the mqueue mount.
        files.hold(event)
        continue
      }
      enrich(&event)
      if !deliver(event) { return (false, false) }
    }
  }

  /// Reads what fanotify's watches hold, to be compared with the calls once their lines are in.
  private func readFileWatches() {
    let proc = self.proc
    func comm(_ thread: pid_t) -> [UInt8] {
      guard let text = readTextFile("\(proc)/\(thread)/comm", limit: 64) else { return [] }
      return Array(text.utf8.prefix { $0 != 0x0A })
    }
    // Both watches are one reading, timed around them (see FileEventMerger).
    let start = ProcessCalls.clocks().monotonic
    let shm = try? shmWatch?.read(buffer)
    let queues = try? queueWatch?.read(buffer)
    let reading = FileEventMerger.Reading(start: start, end: ProcessCalls.clocks().monotonic)
    fileOverflows += (shm?.overflow == true ? 1 : 0) + (queues?.overflow == true ? 1 : 0)
    if let shm { files.add(shm.events, place: .shm, reading: reading, comm: comm) }
    if let queues { files.add(queues.events, place: .mqueue, reading: reading, comm: comm) }
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

  /// Stops tracing; with `deliver`, hands on the events still in the buffers; and counts the
  /// calls lost. Then removes the instances and the probes.
  public func finish(deliver: ((TraceEvent) -> Bool)?) -> LostCalls {
    try? sideInstance.set("tracing_on", "0")
    try? instance.set("tracing_on", "0")
    // Tracing is off: what the pipes hold is all there will be, read to their end.
    var complete = false
    if let pipes, let deliver {
      while true {
        guard let done = try? round(pipes, final: true, deliver), done.delivered else { break }
        if !done.more {
          complete = true
          break
        }
      }
    }
    // A thread that is gone is in no call: its open call's return was dropped.
    var open: UInt64 = 0
    for thread in assembler.threadsInCalls {
      if ProcessCalls.exists(thread) { open += 1 } else { assembler.closeBroken(thread) }
    }
    let kinds = selection.kinds
    let sideHoldsCalls = kinds.contains(.posixQueue) || kinds.contains { !$0.isNamed }
    var lost = LostCalls.resolve(
      dropped: instance.lostEvents(), broken: assembler.brokenCalls, open: open,
      sideDropped: sideInstance.lostEvents(), sideHoldsCalls: sideHoldsCalls,
      selectionIsKernels: complete && selectionIsKernels)
    if !complete || assembler.sawInnerCalls && lost.count > 0 { lost.exact = false }
    close()
    return lost
  }

  /// Whether the kernel recorded only calls the selection selects: it filters by thread and
  /// kind; a prefix, an action or a namespace other than every one it cannot (but a namespace
  /// that every selected thread is in, seen now).
  static func kernelSelects(_ selection: TraceSelection, proc: String) -> Bool {
    guard selection.prefix == nil, selection.actions == Set(TraceEvent.Action.allCases) else { return false }
    switch selection.namespaces {
    case .all: return true
    case .only(let inode):
      return !selection.pids.isEmpty
        && selection.pids.allSatisfy { ProcessCalls.ipcNamespace(of: $0, proc: proc) == inode }
    }
  }

  /// Stops tracing and removes the instances and the probes.
  public func close() {
    guard !closed else { return }
    closed = true
    try? sideInstance.set("tracing_on", "0")
    try? instance.set("tracing_on", "0")
    pipes = nil
    // Closing the groups removes their marks.
    shmWatch = nil
    queueWatch = nil
    instance.remove()
    sideInstance.remove()
    if case .success(let defined) = probes { defined.remove() }
  }

  deinit {
    close()
    buffer.deallocate()
  }
}
