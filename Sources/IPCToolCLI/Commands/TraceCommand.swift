import Glibc
import IPCKit

/// `ipctool trace`: IPC objects created, opened and removed, live, one line per call.
enum TraceCommand {
  static let pid = OptionSpec(
    "pid", value: "pid", help: "Only calls made by this process (thread) id; repeatable.",
    repeatable: true, values: .processes)

  /// --target, as the other commands spell it (and, as for them, the command runs in that
  /// process's IPC namespace): here it selects the calls made there.
  static let target = OptionSpec(
    "target", short: "t", value: "pid",
    help: "Only calls made in the IPC namespace of this process (a container's).",
    values: .processes)

  static let allNamespaces = OptionSpec(
    "all-namespaces", short: "A", help: "Calls made in every IPC namespace (containers'), not only this one.")

  static let only = OptionSpec(
    "only", value: "action",
    help: "Only calls that do this to an object; repeat or separate with commas.",
    repeatable: true,
    values: .choices([
      Choice(value: "create", summary: "calls that may create (O_CREAT, IPC_CREAT, IPC_PRIVATE)"),
      Choice(value: "open", summary: "calls that open an existing object"),
      Choice(value: "remove", summary: "unlink calls and IPC_RMID"),
      Choice(value: "set", summary: "IPC_SET: owner or mode changed"),
      Choice(value: "attach", summary: "shmat"),
      Choice(value: "detach", summary: "shmdt"),
    ]), commaList: true)

  static let duration = OptionSpec(
    "duration", value: "time", help: "Stop after this long: 30s, 10m, 2h.")

  static let count = OptionSpec(
    "count", short: "c", value: "n", help: "Stop after this many calls are shown.", values: .number)

  static let record = OptionSpec(
    "record", help: "Also keep every call shown in the journal 'ipctool why' reads (see --journal).")

  static let spec = CommandSpec(
    name: "trace",
    abstract: "Show IPC objects being created, opened and removed, live, one line per call.",
    discussion: [
      "Each line: the time, the calling thread's id, its IPC namespace, the call, the result"
        + " (ok, or the errno's name), the object's reference, and the caller's command line."
        + " A call that may create (O_CREAT, IPC_CREAT) counts as create: the kernel does not"
        + " say whether it made the object or found it, unless the call was exclusive.",
      "Sources: the kernel's syscall tracepoints for the System V calls (shmget, msgget, semget,"
        + " shmat, shmdt, and shmctl, msgctl, semctl with IPC_RMID or IPC_SET) and mq_open,"
        + " mq_unlink, whoever calls them; uprobes on the C library ipctool itself runs on (glibc)"
        + " and on the host's musl (/lib/ld-musl-x86_64.so.1, for programs built with musl-gcc)"
        + " for the names of shm_open, shm_unlink, sem_open, sem_unlink, mq_open and mq_unlink,"
        + " read from the caller's memory; fanotify on this namespace's /dev/shm and mqueue mount"
        + " (the target's with --target) for entries made or removed there by anything else"
        + " (direct system calls, static programs, another C library), shown as fs_create and"
        + " fs_delete with the thread and the name; a queue's entry names the mq_open or mq_unlink"
        + " the tracepoints saw without one. An entry a traced call made is shown once, by that"
        + " call. fanotify tells no time: its entries are shown when read, after the calls before"
        + " them.",
      "Not covered: the calls of a container's own C library file by name (with --target its"
        + " /dev/shm and queue entries are seen by fanotify; with -A only its System V calls and"
        + " its queues' results, without names); the calls of a program with no probed C library"
        + " that create or remove nothing (failed, or opening what exists). kprobes and eprobes"
        + " are not used.",
      "Needs root, in the host's pid namespace. tracefs is used in two instances of its own"
        + " (instances/ipctool-PID-START, named by trace's pid and start time, which records each"
        + " call's entry and return and nothing else, and ipctool-PID-START-side), mounted"
        + " in a private mount namespace if it is not mounted; the instances, the uprobes and the"
        + " fanotify marks (held by trace's descriptor) go on exit, and the instances and uprobes"
        + " of an ipctool that was killed are removed by the next trace.",
      "On Ctrl-C or at the end of --duration the calls still in the buffers are shown. Calls"
        + " the kernel's buffers (64 MiB over all CPUs) could not keep are counted and said on"
        + " stderr: 'N calls lost' is exact when the kernel recorded only what the options select"
        + " (--pid and --kind are applied in the kernel; with -A, or --pid in this namespace, and"
        + " no --prefix or --only); otherwise it says 'at most N'. An entry fanotify saw whose"
        + " call was lost is still shown.",
      "--record appends each call shown to a journal, /run/ipctool/trace.journal unless"
        + " --journal names another (made 0600 in a 0700 folder): one tab-separated line a call,"
        + " names and command lines in hex. At 4 MiB it becomes trace.journal.1 and a new one"
        + " starts, so it never holds more than 8 MiB; /run ends with the boot, as the objects do.",
      "The caller's namespace and command line are read when its call is shown: a process"
        + " that has already ended shows '?' with -A; otherwise its calls are not shown (it may"
        + " be any program on the machine) and their number is said on stderr at the end.",
    ],
    options: [
      SharedOptions.kind, SharedOptions.prefix, pid, only, target, allNamespaces,
      duration, count, record, WhyCommand.journal, SharedOptions.json,
    ],
    examples: [
      Example(command: "ipctool trace", explanation: "Every IPC call in this namespace, until Ctrl-C."),
      Example(
        command: "ipctool trace -A --only create,remove --json",
        explanation: "Creations and removals in every namespace, as JSON lines."),
      Example(
        command: "ipctool trace --prefix /pi_ --duration 10s",
        explanation: "Ten seconds of calls on POSIX objects whose name starts with /pi_."),
    ],
    run: { parsed, console in run(parsed, console) })

  static func run(_ parsed: ParsedArguments, _ console: Console) -> ExitStatus {
    let selection: TraceSelection
    let seconds: Int?
    let limit: Int?
    do {
      selection = try self.selection(parsed)
      seconds = try parsed.value(duration, "a positive time such as 30s, 10m or 2h") {
        AgeText.seconds($0).flatMap { $0 > 0 ? $0 : nil }
      }
      limit = try parsed.value(count, "a positive number") { Int($0).flatMap { $0 > 0 ? $0 : nil } }
    } catch {
      console.errRaw(error.line + "\n")
      return .usage
    }
    // Watched before the instance exists: a signal that came between its making and the
    // watching would end the process with the instance and the probes left behind.
    Signals.startWatching()
    defer { Signals.stopWatching() }
    let session: TraceSession
    do {
      // fanotify watches the context's /dev/shm and queue mount (the target's with --target).
      let context = parsed.context
      session = try TraceSession(
        selection: selection, shm: try? context.paths.openShm().get(), queues: context.queues,
        bufferKilobytes: testBufferKilobytes())
    } catch {
      console.error("trace: " + TraceWording.sentence(error))
      return .failure
    }
    for left in session.staleRemoved { console.error("trace: removed \(left), left by an ipctool that is gone") }
    for watch in session.fileWatches {
      guard let error = watch.error else { continue }
      console.error("trace: no fanotify watch on \(watch.place) (\(error)): what direct system calls make there is not seen")
    }
    if case .failure(let error) = session.probes {
      console.error("trace: no uprobes on the C library (\(error)): only System V calls and unnamed queues are traced")
    }
    let json = parsed.flag(SharedOptions.json)
    var journal: TraceJournal.Writer?
    if parsed.flag(record) {
      do {
        journal = try TraceJournal(path: parsed.typed(WhyCommand.journal) ?? TraceJournal.defaultPath).writer()
      } catch {
        console.error("trace: cannot keep the journal: \(error)")
        return .failure
      }
    }
    if !json { console.out(TraceWording.header) }
    var shown = 0
    var unknownNamespace = 0
    var status = ExitStatus.success
    let show = { (event: TraceEvent) -> Bool in
      guard selection.matches(event) else {
        if selection.hidesForUnknownNamespace(event) { unknownNamespace += 1 }
        return true
      }
      console.out(json ? TraceWording.json(event) : TraceWording.line(event))
      if let writer = journal {
        do { try writer.append(event) } catch {
          console.error("trace: journal: \(error)")
          journal = nil
        }
      }
      shown += 1
      return console.outputFailure == nil && shown != limit
    }
    var showing = true
    do {
      showing = try session.run(
        shouldStop: {
          Signals.stopSignal != 0 || seconds.map { session.secondsSinceStart() >= Double($0) } ?? false
        },
        deliver: show)
    } catch {
      console.error("trace: " + TraceWording.sentence(error))
      status = .failure
      showing = false
    }
    // Stopped by a signal or the duration: the calls traced until then are still shown.
    let stoppedShowing = showing && Signals.stopSignal != SIGPIPE
    let lost = session.finish(deliver: stoppedShowing ? show : nil)
    if session.fileOverflows > 0 {
      console.error("trace: file events lost: fanotify's queue overflowed \(session.fileOverflows) time\(session.fileOverflows == 1 ? "" : "s")")
    }
    if unknownNamespace > 0 { console.error("trace: " + TraceWording.unknownNamespace(unknownNamespace)) }
    if lost.count > 0 {
      console.error("trace: " + TraceWording.lost(lost))
    }
    let signal = Signals.stopSignal
    // A closed pipe (`trace | head`) ends it as it ends coreutils, silently, once cleaned up.
    if signal == SIGPIPE { SignalCalls.endBy(SIGPIPE) }
    return signal != 0 ? .signaled(signal) : status
  }

  /// The buffer size a test asks for (a CPU's, in KiB) to make the buffer overflow: read from
  /// IPCTOOL_TRACE_BUFFER_KB, for tests only, and not documented.
  static func testBufferKilobytes() -> Int? {
    guard let text = getenv("IPCTOOL_TRACE_BUFFER_KB") else { return nil }
    return Int(String(cString: text)).flatMap { $0 > 0 ? $0 : nil }
  }

  /// The selection the options make; the namespace is this one unless --target or -A.
  static func selection(_ parsed: ParsedArguments) throws(UsageError) -> TraceSelection {
    var selection = TraceSelection()
    selection.kinds = try parsed.selectedKinds()
    if let text = parsed.typed(SharedOptions.prefix) {
      do {
        let bytes = try Escaping.unescape(text)
        selection.prefix = bytes.first == UInt8(ascii: "/") ? bytes : [UInt8(ascii: "/")] + bytes
      } catch {
        throw UsageError("invalid value for '--prefix': \(error)", parsed.command)
      }
      selection.kinds = selection.kinds.filter(\.isNamed)
    }
    for word in parsed.values(pid) {
      guard let value = pid_t(word), value > 0 else {
        throw UsageError("invalid value '\(printable(word))' for '--pid': expected a process id", parsed.command)
      }
      selection.pids.insert(value)
    }
    let words = parsed.values(only).flatMap { $0.split(separator: ",").map(String.init) }
    if !words.isEmpty {
      selection.actions = []
      for word in words {
        guard let action = TraceEvent.Action(rawValue: word) else {
          throw UsageError(
            "unknown action '\(printable(word))' for '--only'"
              + suggestion(for: word, among: TraceEvent.Action.allCases.map(\.rawValue), quote: ""),
            parsed.command)
        }
        selection.actions.insert(action)
      }
    }
    if parsed.flag(allNamespaces) {
      guard !parsed.flag(target) else {
        throw UsageError("'--all-namespaces' and '--target' contradict each other; give one", parsed.command)
      }
      selection.namespaces = .all
    } else {
      // --target has joined the target's IPC namespace already: "this one" is then its.
      let inode = TraceSelection.namespace(of: getpid())
      selection.namespaces = inode.map { .only($0) } ?? .all
    }
    return selection
  }
}
