import Glibc
import IPCKit

/// One run of `watch`: reads the snapshot every interval, makes the frame (IPCKit's
/// `WatchState`), and draws it, full-screen on a terminal or as plain tables elsewhere, until
/// q, a signal or --count ends it. The terminal is put back however it ends.
struct WatchSession {
  let snapshot: Snapshot
  let context: IPCContext
  let everywhere: Bool
  let columns: [WatchColumn]
  let table: WatchTable
  let interval: Double
  let limit: Int?
  let exactBytes: Bool
  let console: Console
  let users = UserNames()
  let onTerminal = Terminal.isTerminal(1)
  var state = WatchState()
  var view: WatchView
  var frame: WatchFrame?
  var contexts: [UInt64?: ListContext] = [:]
  var notes: [String] = []
  var notesSaid: Set<String> = []
  /// The note on processes whose namespace could not be read, as the first refresh that had
  /// them words it: said once, not again each time their number moves.
  var unreadableNote: String?

  /// The signals that end a watch (after the terminal is put back: every default-fatal one a
  /// process can catch, as pi's), redraw it, or suspend it.
  static let signals = [
    SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGPIPE, SIGALRM, SIGWINCH, SIGTSTP,
  ]

  static func run(_ parsed: ParsedArguments, _ console: Console) -> ExitStatus {
    var session: WatchSession
    do throws(UsageError) {
      session = try WatchSession(parsed, console)
    } catch {
      console.errRaw(error.line + "\n")
      return .usage
    }
    let status = session.loop()
    // The terminal is back: now end as the signal would have ended an uncaught watch, so
    // that a shell or a supervisor sees the signal, not an exit status.
    if case .signaled(let signal) = status { SignalCalls.endBy(signal) }
    return status
  }

  init(_ parsed: ParsedArguments, _ console: Console) throws(UsageError) {
    let selection = try Selection(parsed)
    var columns = WatchColumn.defaultNames.compactMap(WatchColumn.named)
    if selection.kinds.allSatisfy({ !$0.isNamed }), let key = WatchColumn.named("key") {
      columns.insert(key, at: 1)
    }
    let requested = try parsed.value(WatchCommand.output)
    if let requested { columns = requested.adds ? columns + requested.columns : requested.columns }
    everywhere = parsed.flag(WatchCommand.allNamespaces)
    if everywhere && parsed.typed(SharedOptions.target) != nil {
      throw UsageError("'--all-namespaces' and '--target' cannot be combined", parsed.command)
    }
    if everywhere && requested == nil {
      columns.insert(contentsOf: ["namespace", "container"].compactMap(WatchColumn.named), at: 0)
    }
    view = WatchView()
    if let sortBy = try parsed.value(WatchCommand.sort) {
      if !columns.contains(where: { $0.name == sortBy.name }) { columns.append(sortBy) }
      view.sortColumn = columns.firstIndex { $0.name == sortBy.name }
    }
    view.reversed = parsed.flag(ListCommand.reverse)
    interval = try parsed.value(WatchCommand.interval)
    limit = try parsed.value(WatchCommand.count)
    exactBytes = parsed.flag(ListCommand.bytes)
    self.columns = columns
    var table = WatchTable(columns: columns)
    // Without -o (or with -o +...), what gives way on a narrow terminal: the rates stay.
    if requested?.adds ?? true { table.droppable = ["idle", "owner", "usage", "container"] }
    self.table = table
    snapshot = Snapshot(
      selection: selection, withUsers: columns.contains { $0.name == "users" },
      unusedOnly: parsed.flag(SharedOptions.unused))
    context = parsed.context
    self.console = console
  }

  mutating func loop() -> ExitStatus {
    let signals: SignalPipe
    do {
      signals = try SignalPipe(Self.signals)
    } catch {
      console.error("watch: \(error)")
      return .failure
    }
    defer { signals.stop() }
    var keysOpen = onTerminal && Terminal.isTerminal(0)
    let mode = keysOpen ? TerminalMode.current(0) : nil
    let onTerminal = self.onTerminal
    let console = self.console
    func takeScreen() {
      if onTerminal { console.out(WatchScreen.enter) }
      mode?.enterKeyMode()
    }
    func giveBack() {
      mode?.restore()
      if onTerminal { console.out(WatchScreen.leave) }
    }
    takeScreen()
    defer { giveBack() }
    var refreshes = 0
    reading: while true {
      read()
      refreshes += 1
      draw()
      if refreshes == limit { break }
      let deadline = WatchClock.monotonic.now + interval
      waiting: while console.outputFailure == nil {
        let left = deadline - WatchClock.monotonic.now
        guard left > 0 else { break waiting }
        let ready = ReadinessWait.readable(
          [signals.readEnd] + (keysOpen ? [0] : []), milliseconds: Int((left * 1000).rounded(.up)))
        for signal in signals.pending() {
          switch signal {
          case SIGWINCH: draw()
          case SIGTSTP:
            giveBack()
            signals.suspendProcess()
            takeScreen()
            draw()
          default: return .signaled(signal)  // the terminal is put back first (defer)
          }
        }
        guard keysOpen, ready.contains(0) else { continue }
        let bytes = ReadinessWait.available(0)
        if bytes.isEmpty {  // the terminal is gone: no more keys
          keysOpen = false
          continue
        }
        switch view.press(bytes, columnCount: columns.count) {
        case .quit: break reading
        case .redraw: draw()
        case .refresh: break waiting
        case .nothing: break
        }
      }
      if console.outputFailure != nil { break }
    }
    // A reader gone (watch | head): SIGPIPE, caught here, ends it silently, as it ends list.
    if console.outputFailure == Errno(rawValue: EPIPE) { return .signaled(SIGPIPE) }
    return .success
  }

  /// Reads the objects again and makes the frame; notes what could not be read.
  private mutating func read() {
    let reading = snapshot.readForWatch(context, everyNamespace: everywhere, clock: .monotonic)
    frame = state.advance(to: reading.sample)
    if reading.unreadableProcesses > 0, unreadableNote == nil {
      unreadableNote = NamespaceWording.unreadableProcesses(reading.unreadableProcesses)
    }
    let unjoined = NamespaceWording.everyNamespaceNotes(
      unreadableProcesses: 0, unjoined: reading.unjoined.map { (NamespaceWording.label($0), $1) })
    // What could not be seen at all first: on a terminal the first note is the one shown.
    notes = (reading.unreadableProcesses > 0 ? unreadableNote.map { [$0] } ?? [] : []) + unjoined
      + reading.gaps.map { ($0.namespace.map { "namespace \($0.inode): " } ?? "") + $0.gap.sentence }
    contexts = [:]
    for (inode, scope) in reading.scopes { contexts[inode] = listContext(scope.namespace, scope) }
    guard everywhere else { return }
    for row in frame?.rows ?? [] where contexts[row.namespace?.inode] == nil {
      contexts[row.namespace?.inode] = listContext(row.namespace, nil)  // a namespace gone
    }
  }

  private func listContext(_ tag: NamespaceTag?, _ scope: Snapshot.Scope?) -> ListContext {
    var rendering = ListContext(
      users: users, exactBytes: exactBytes, holds: scope?.holds ?? ApplicationHolds())
    rendering.proc = context.paths.proc
    rendering.namespace = tag?.inode
    rendering.container = tag?.container
    rendering.now = context.clock.now
    return rendering
  }

  /// Draws the last frame as the view asks, to the terminal's size now.
  private mutating func draw() {
    guard let frame else { return }
    let contexts = self.contexts
    let fallback = contexts.values.first ?? ListContext(users: users, exactBytes: exactBytes)
    let rows = view.arrange(frame.rows, columns: columns) { contexts[$0.namespace?.inode] ?? fallback }
    let status = WatchScreen.status(frame, shown: rows.count, interval: interval, now: context.clock.now)
    guard onTerminal else {
      for note in notes where notesSaid.insert(note).inserted { console.error(note) }
      let lines = table.lines(rows[...], width: nil, contexts: contexts)
      console.out(WatchScreen.plainFrame(status: status, table: lines))
      return
    }
    let (height, width) = Terminal.size(1) ?? (24, 80)
    var heading = [status, WatchScreen.keys(view, columns: columns)]
    if let note = notes.first {
      heading.append("note: " + note + (notes.count > 1 ? " (and \(notes.count - 1) more)" : ""))
    }
    let room = max(0, height - heading.count - 1)
    let shown = rows.count > room ? max(0, room - 1) : rows.count
    let lines = table.lines(rows.prefix(shown), width: width, contexts: contexts)
      .flatMap { $0.string.split(separator: "\n").map(String.init) }
    let screen = WatchScreen(color: Self.colorWanted)
    console.out(
      screen.terminalFrame(
        heading: heading, table: lines, hidden: rows.count - shown, height: height, width: width))
  }

  /// Color unless NO_COLOR is set to anything but nothing (no-color.org).
  static var colorWanted: Bool {
    guard let value = getenv("NO_COLOR") else { return true }
    return value.pointee == 0
  }
}
