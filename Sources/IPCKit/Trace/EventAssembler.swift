import Glibc

/// Turns the trace's lines into IPC events: a call's entry and its return, on one thread, make
/// one event; the errno of a C library call is the last failed system call the thread made
/// inside it.
///
/// Lines arrive in time order (each trace_pipe merges its CPUs' buffers by timestamp, and the
/// session merges the two instances'), and a thread makes one call at a time, so pending state
/// is kept per thread id.
///
/// The main instance holds only pairs, an entry and a return per call (C library uprobes, and
/// the System V get, shmat and shmdt calls): a return without its entry, or an entry followed by
/// another entry, is a call whose other half the buffer dropped, counted in `brokenCalls`.
/// The side instance holds the rest (ctl calls, whose returns cannot be filtered by command;
/// queue system calls; failed system calls that carry a C library call's errno).
struct EventAssembler {
  /// A call entered and not yet returned.
  struct Pending {
    var call: TraceEvent.Call
    /// Whether it is a C library call (a uprobe), not a system call.
    var libc: Bool
    var name: [UInt8]?
    var flags: UInt64?
    var arguments: [String: UInt64] = [:]
    var lastError: Errno?
    /// C library calls made inside this one (musl's sem_unlink calls its shm_unlink), entered
    /// and not returned: they are part of it, not calls of their own.
    var inner: [TraceEvent.Call] = []
  }

  /// The C library calls that call another probed one: the outer call reports.
  static let innerCalls: [TraceEvent.Call: TraceEvent.Call] = [.semUnlink: .shmUnlink]

  /// Main-instance calls entered and not returned, by thread.
  private var main: [pid_t: Pending] = [:]
  /// Side-instance system calls entered and not returned, by thread.
  private var side: [pid_t: Pending] = [:]
  /// Segments attached by each thread, by address, so shmdt can name the segment.
  private var attached: [pid_t: [UInt64: Int32]] = [:]
  /// Main-instance calls seen by one half only: each is one event the buffer dropped.
  private(set) var brokenCalls: UInt64 = 0
  /// Whether a call made inside another was seen: such a call is four events, not two, so a
  /// count of dropped events no longer tells the calls lost exactly.
  private(set) var sawInnerCalls = false

  /// The system calls whose failures are the errno of a C library call (glibc's shm_open is
  /// openat; sem_open opens, links and unlinks; the *_unlink calls unlink; musl opens).
  static let errnoCarriers: Set<String> = ["openat", "open", "unlink", "unlinkat", "link", "linkat"]

  /// The System V calls of the main instance (entry and return, unfiltered).
  static let pairedSyscalls: Set<String> = ["shmget", "msgget", "semget", "shmat", "shmdt"]

  /// The threads with a main-instance call entered and not returned.
  var threadsInCalls: [pid_t] { Array(main.keys) }

  /// The C library call `thread` is in (entered, not returned), with the name it was given.
  func openLibcCall(_ thread: pid_t) -> (call: TraceEvent.Call, name: [UInt8])? {
    guard let pending = main[thread], pending.libc else { return nil }
    return (pending.call, pending.name ?? [])
  }

  /// Counts a main-instance call left open (its return dropped) as broken.
  mutating func closeBroken(_ thread: pid_t) {
    if main.removeValue(forKey: thread) != nil { brokenCalls += 1 }
  }

  /// Opens a main-instance call; one already open lost its return.
  private mutating func openMain(_ thread: pid_t, _ pending: Pending) {
    if main.updateValue(pending, forKey: thread) != nil { brokenCalls += 1 }
  }

  /// Closes the main-instance call `call` of `thread`: its pending entry, or nil (counted
  /// broken, with an open call of another name) when its entry was dropped.
  private mutating func closeMain(_ thread: pid_t, _ call: String, libc: Bool) -> Pending? {
    guard let pending = main.removeValue(forKey: thread) else {
      brokenCalls += 1
      return nil
    }
    guard pending.call.rawValue == call, pending.libc == libc else {
      brokenCalls += 2
      return nil
    }
    return pending
  }

  /// The event a line completes, if any.
  mutating func take(_ line: TraceLine) -> TraceEvent? {
    switch line.body {
    case .probe(let event, let values):
      return probe(line, event, values)
    case .enter(let name, let arguments):
      guard let call = TraceEvent.Call(rawValue: name) else { return nil }
      let pending = Pending(call: call, libc: false, arguments: arguments)
      if Self.pairedSyscalls.contains(name) {
        openMain(line.pid, pending)
      } else if !(call.kind == .posixQueue && main[line.pid]?.libc == true) {
        // mq_open/mq_unlink inside the C library's own: that call reports it.
        side[line.pid] = pending
      }
      return nil
    case .exit(let name, let value):
      if Self.pairedSyscalls.contains(name) {
        guard let pending = closeMain(line.pid, name, libc: false) else { return nil }
        return syscallExit(line, pending, value)
      }
      if let pending = side[line.pid], pending.call.rawValue == name {
        side[line.pid] = nil
        return syscallExit(line, pending, value)
      }
      if value < 0, var pending = main[line.pid], pending.libc,
        Self.errnoCarriers.contains(name) || TraceEvent.Call(rawValue: name)?.kind == .posixQueue
      {
        pending.lastError = Errno(rawValue: CInt(truncatingIfNeeded: -value))
        main[line.pid] = pending
      }
      return nil
    }
  }

  private mutating func probe(_ line: TraceLine, _ event: String, _ values: [String: [UInt64]])
    -> TraceEvent?
  {
    let (name, isReturn) = LibcProbes.call(ofEvent: event)
    if var outer = main[line.pid], outer.libc, let call = TraceEvent.Call(rawValue: name) {
      if isReturn, outer.inner.last == call {
        outer.inner.removeLast()
        main[line.pid] = outer
        return nil
      }
      if !isReturn, Self.innerCalls[outer.call] == call, outer.inner.isEmpty {
        sawInnerCalls = true
        outer.inner.append(call)
        main[line.pid] = outer
        return nil
      }
    }
    if isReturn {
      guard let pending = closeMain(line.pid, name, libc: true),
        let returned = values["rv"]?.first
      else { return nil }
      let value = Int64(bitPattern: returned)
      // sem_open returns SEM_FAILED (0 as glibc defines it); the others -1.
      let failed = pending.call == .semOpen ? value == 0 : value < 0
      let action: TraceEvent.Action
      switch pending.call {
      case .shmUnlink, .semUnlink, .mqUnlink: action = .remove
      default: action = (pending.flags ?? 0) & UInt64(O_CREAT) != 0 ? .create : .open
      }
      return TraceEvent(
        time: line.nanoseconds, pid: line.pid, comm: line.comm, call: pending.call, action: action,
        source: .libc, name: pending.name, flags: pending.flags, result: failed ? nil : value,
        error: failed ? pending.lastError : nil, failed: failed)
    }
    guard let call = TraceEvent.Call(rawValue: name) else { return nil }
    openMain(line.pid, Pending(call: call, libc: true, name: Self.name(values), flags: values["fl"]?.first))
    return nil
  }

  /// The name fetched as little-endian 64-bit words (n0...n3), up to its NUL.
  static func name(_ values: [String: [UInt64]]) -> [UInt8]? {
    var bytes: [UInt8] = []
    for index in 0..<4 {
      guard let words = values["n\(index)"], !words.isEmpty else { break }
      for word in words {
        for shift in stride(from: 0, to: 64, by: 8) {
          let byte = UInt8(truncatingIfNeeded: word >> UInt64(shift))
          if byte == 0 { return bytes }
          bytes.append(byte)
        }
      }
    }
    return bytes.isEmpty ? nil : bytes
  }

  private mutating func syscallExit(_ line: TraceLine, _ pending: Pending, _ value: Int64) -> TraceEvent? {
    let failed = value < 0 && value > -4096
    let arguments = pending.arguments
    var event = TraceEvent(
      time: line.nanoseconds, pid: line.pid, comm: line.comm, call: pending.call, action: .open,
      source: .syscall, result: failed ? nil : value,
      error: failed ? Errno(rawValue: CInt(-value)) : nil, failed: failed)
    let createFlag = UInt64(0o1000)  // IPC_CREAT
    switch pending.call {
    case .shmget, .msgget, .semget:
      let flags = arguments["shmflg"] ?? arguments["msgflg"] ?? arguments["semflg"] ?? 0
      let key = Int32(truncatingIfNeeded: arguments["key"] ?? 0)
      event.key = key
      event.flags = flags
      event.action = key == 0 || flags & createFlag != 0 ? .create : .open
      if !failed { event.id = Int32(truncatingIfNeeded: value) }
    case .shmctl, .msgctl, .semctl:
      let command = (arguments["cmd"] ?? 0) & 0xFF  // without IPC_64
      event.id = Int32(truncatingIfNeeded: arguments["shmid"] ?? arguments["msqid"] ?? arguments["semid"] ?? 0)
      event.flags = command
      event.action = command == 0 ? .remove : .set  // IPC_RMID, else IPC_SET (the filter's)
    case .shmat:
      let id = Int32(truncatingIfNeeded: arguments["shmid"] ?? 0)
      event.id = id
      event.flags = arguments["shmflg"]
      event.action = .attach
      if !failed { attached[line.pid, default: [:]][UInt64(bitPattern: value)] = id }
    case .shmdt:
      let address = arguments["shmaddr"] ?? 0
      event.id = attached[line.pid]?.removeValue(forKey: address)
      event.result = failed ? nil : value
      event.action = .detach
    case .mqOpen:
      event.flags = arguments["oflag"]
      event.action = (arguments["oflag"] ?? 0) & UInt64(O_CREAT) != 0 ? .create : .open
    case .mqUnlink:
      event.action = .remove
    default:
      return nil
    }
    return event
  }
}
