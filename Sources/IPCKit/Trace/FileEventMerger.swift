import Glibc

/// fanotify's entries created and removed, turned into trace events — less those a traced C
/// library call made, which that call reports already (one event a call, not two).
///
/// fanotify's events carry no time. An entry made by a call was made after the call's entry
/// was recorded, and queued before its return was. A reading starts at S and ends at E; an
/// entry it brings was made before E, and one made before S was brought by an earlier reading.
/// So a reading's entries are compared once every line stamped before E has been handed on:
/// the call that made one is then open, or among those that returned since S of the previous
/// reading. A reading compared, the calls that returned before its S are forgotten (not before
/// its E: a call may make its entry and return while the watches are being read).
struct FileEventMerger {
  enum Place: Sendable { case shm, mqueue }

  /// When a reading of the watches started and ended (monotonic ns).
  struct Reading: Equatable, Sendable {
    var start: Int64
    var end: Int64
  }

  private struct Waiting {
    var event: Fanotify.Event
    var place: Place
    var reading: Reading
    var comm: [UInt8]
  }

  private var waiting: [Waiting] = []
  /// The temporary files sem_open calls made, by thread: their removal, however late it is
  /// read, is the same call's (it was once shown as an entry of its own).
  private var temporaries: [pid_t: [[UInt8]]] = [:]
  /// The readings of the watches not compared yet (a reading may bring no entry).
  private var readings: [Reading] = []
  /// Queue system calls made without a probed C library (no name), held until the reading
  /// after their return is compared: an entry of the same thread on the mqueue mount names them.
  private var unnamed: [TraceEvent] = []
  /// C library calls that returned, by thread: the call, its name, when.
  private var returned: [pid_t: [(call: TraceEvent.Call, name: [UInt8], at: Int64)]] = [:]

  /// Entries brought by `reading` from the watch of `place`; `comm` names a thread.
  mutating func add(_ events: [Fanotify.Event], place: Place, reading: Reading, comm: (pid_t) -> [UInt8]) {
    if readings.last != reading { readings.append(reading) }
    for event in events { waiting.append(Waiting(event: event, place: place, reading: reading, comm: comm(event.thread))) }
  }

  /// Holds a queue system call's event without a name, to be named by fanotify's entry.
  mutating func hold(_ event: TraceEvent) { unnamed.append(event) }

  /// A C library call that returned (its event, shown or not).
  mutating func note(_ event: TraceEvent) {
    guard event.source == .libc, let name = event.name else { return }
    returned[event.pid, default: []].append((event.call, name, event.time))
  }

  /// The entries of the readings ended before `watermark` (every line stamped before it handed
  /// on) that no call made, as events. `openCall` tells the C library call a thread is in, if any.
  mutating func resolve(upTo watermark: Int64, openCall: (pid_t) -> (call: TraceEvent.Call, name: [UInt8])?)
    -> [TraceEvent]
  {
    var made: [TraceEvent] = []
    var index = 0
    while let reading = readings.first, reading.end < watermark {
      readings.removeFirst()
      while index < waiting.count, waiting[index].reading == reading {
        let entry = waiting[index]
        index += 1
        if !madeByACall(entry, openCall) && !namesAQueueCall(entry) { made.append(Self.event(entry)) }
      }
      // The calls that returned before this reading started made no entry read later. A
      // line's time is whole microseconds (a call stamped S - 1 µs may have returned after S).
      forget(before: reading.start - 1000)
      made += unnamed.filter { $0.time < reading.start - 1000 }
      unnamed.removeAll { $0.time < reading.start - 1000 }
    }
    waiting.removeFirst(index)
    if watermark == Int64.max {
      made += unnamed
      unnamed = []
    }
    return made.sorted { $0.time < $1.time }
  }

  /// Gives a held queue call of the entry's thread the entry's name.
  private mutating func namesAQueueCall(_ entry: Waiting) -> Bool {
    guard entry.place == .mqueue,
      let match = unnamed.firstIndex(where: {
        $0.pid == entry.event.thread && $0.time <= entry.reading.end && !$0.failed
          && ($0.action == .create && entry.event.change == .created || $0.action == .remove && entry.event.change == .removed)
      })
    else { return false }
    unnamed[match].name = [UInt8(ascii: "/")] + entry.event.name
    return true
  }

  private mutating func madeByACall(
    _ entry: Waiting, _ openCall: (pid_t) -> (call: TraceEvent.Call, name: [UInt8])?
  ) -> Bool {
    let thread = entry.event.thread
    let name = entry.event.name
    if entry.event.change == .removed, let index = temporaries[thread]?.firstIndex(of: name) {
      temporaries[thread]?.remove(at: index)
      if temporaries[thread]?.isEmpty == true { temporaries[thread] = nil }
      return true
    }
    if let open = openCall(thread), Self.made(name, entry.place, by: open.call, named: open.name) {
      rememberTemporary(entry, of: open.call, named: open.name)
      return true
    }
    guard var calls = returned[thread],
      let match = calls.firstIndex(where: { Self.made(name, entry.place, by: $0.call, named: $0.name) })
    else { return false }
    rememberTemporary(entry, of: calls[match].call, named: calls[match].name)
    // A semaphore's opening makes three entries (a temporary file, its link, its removal).
    if calls[match].call != TraceEvent.Call.semOpen { calls.remove(at: match) }
    returned[thread] = calls
    return true
  }

  /// Keeps a temporary file sem_open made (not its own "sem.NAME"), for its removal.
  private mutating func rememberTemporary(_ entry: Waiting, of call: TraceEvent.Call, named name: [UInt8]) {
    let base = Array(name.drop { $0 == UInt8(ascii: "/") })
    guard call == .semOpen, entry.event.change == .created, entry.event.name != Array("sem.".utf8) + base,
      entry.event.name != base
    else { return }
    temporaries[entry.event.thread, default: []].append(entry.event.name)
  }

  private mutating func forget(before time: Int64) {
    for (thread, calls) in returned {
      let kept = calls.filter { $0.at >= time }
      returned[thread] = kept.isEmpty ? nil : kept
    }
  }

  /// Whether `call` on `name` makes or removes the entry `file` of `place`: shm_open's file is
  /// its name; sem_open's "sem.NAME" (glibc) or "NAME" (musl), and a temporary file first
  /// ("sem.XXXXXX", "tmp-N"); mq_open's the name on the mqueue mount.
  static func made(_ file: [UInt8], _ place: Place, by call: TraceEvent.Call, named name: [UInt8]) -> Bool {
    let base = Array(name.drop { $0 == UInt8(ascii: "/") })
    let sem = Array("sem.".utf8)
    switch call {
    case .shmOpen, .shmUnlink:
      return place == .shm && file == base
    case .semOpen, .semUnlink:
      guard place == .shm else { return false }
      if file == sem + base || file == base { return true }
      return call == .semOpen && (file.count == 10 && file.starts(with: sem) || file.starts(with: Array("tmp-".utf8)))
    case .mqOpen, .mqUnlink:
      return place == .mqueue && file == base
    default:
      return false
    }
  }

  /// The event of an entry no call made: "sem.NAME" in /dev/shm is semaphore NAME.
  private static func event(_ entry: Waiting) -> TraceEvent {
    var kind = IPCKind.posixQueue
    var name = entry.event.name
    if entry.place == .shm {
      let sem = Array("sem.".utf8)
      kind = name.starts(with: sem) && name.count > sem.count ? .posixSemaphore : .posixSharedMemory
      if kind == .posixSemaphore { name.removeFirst(sem.count) }
    }
    let created = entry.event.change == .created
    return TraceEvent(
      time: entry.reading.end, pid: entry.event.thread, comm: entry.comm, call: created ? .fsCreate : .fsDelete,
      action: created ? .create : .remove, source: .fanotify, name: [UInt8(ascii: "/")] + name, failed: false,
      fileKind: kind)
  }
}
