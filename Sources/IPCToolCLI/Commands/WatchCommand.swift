import Glibc
import IPCKit

/// `ipctool watch`: list's table, live, with the rates and changes between two refreshes.
enum WatchCommand {
  static let spec = CommandSpec(
    name: "watch",
    abstract: "Show the IPC objects live, as top does: list's table with messages in and out per second.",
    discussion: [
      "Every --interval it reads the objects as list does and shows list's columns, a mark"
        + " ('+' an object new since the refresh before, '-' one gone, shown for two refreshes)"
        + " and what changed: IN/S and OUT/S, messages sent to and received from a queue per"
        + " second; NET/S, the change of the messages queued per second; CHANGE, processes"
        + " attached to a System V segment (+/-; ±0 where some attached and detached), a POSIX"
        + " semaphore's value, a System V set's semop, a segment's size. The first line: the"
        + " time, the objects, how many are new and gone, and the size and use of /dev/shm.",
      "The kernel counts no messages sent or received, so the rates are derived from what it"
        + " records. A System V queue records its last sender and receiver and the second each"
        + " acted: when only one side acted the change of its count is that side's, exactly;"
        + " when both did, only the net change is known, and IN/S and OUT/S show '?'. A POSIX"
        + " queue records neither side (its file's time moves on both): any change of it shows"
        + " '?' in IN/S and OUT/S and its net in NET/S. A send and a receive that leave the"
        + " count as it was, by the processes that acted last, in the second they last acted,"
        + " are not seen: the rates are lower bounds.",
      "Keys: q quits; < and > (or s) choose the column rows are sorted by (rates highest"
        + " first), r reverses; / (or f) filters by name prefix (Enter applies, an empty one"
        + " shows all, Esc leaves it); space reads again now. The screen fits the terminal and"
        + " follows its resizing; lines are cut, never wrapped, and a long reference is cut"
        + " short before another column goes. q, Ctrl-C, SIGTERM and every other signal"
        + " that would end it (SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGPIPE) put the"
        + " terminal back as it was; the signal then ends it (Ctrl-C: exit status 130, SIGTERM"
        + " 143). NO_COLOR turns color off.",
      "Off a terminal (a pipe, a file) it prints a plain table each interval, with no escape"
        + " sequence; --count stops it. Each refresh reads what one list reads; on a terminal only"
        + " the rows that fit are made.",
    ],
    options: [
      SharedOptions.kind, SharedOptions.prefix, SharedOptions.owner, SharedOptions.olderThan,
      SharedOptions.idle, SharedOptions.unused, SharedOptions.target, allNamespaces,
      interval.spec, count.spec, output.spec, sort.spec, ListCommand.reverse, ListCommand.bytes,
    ],
    examples: [
      Example(command: "ipctool watch", explanation: "Every object, live."),
      Example(
        command: "ipctool watch --kind mq --sort in",
        explanation: "Message queues, the busiest first."),
      Example(
        command: "ipctool watch --interval 10s --count 6 > watch.log",
        explanation: "A minute of tables, one every ten seconds, into a file."),
    ],
    run: { parsed, console in WatchSession.run(parsed, console) })

  static let allNamespaces = OptionSpec(
    "all-namespaces", short: "A",
    help: "Every object of every IPC namespace on the host (containers'), with NAMESPACE and"
      + " CONTAINER columns; needs root.")

  static let interval = DefaultedOption(
    TypedOption(
      OptionSpec(
        "interval", short: "d", value: "time",
        help: "Read again after this long: 2s, 0.5s, 1m, 1h, up to 24h (-d: top's delay)."),
      expected: "a time from 0.1s to 24h, such as 2s, 500ms, 1m or 1h", read: seconds),
    default: 2, shown: "2s")

  static let count = TypedOption(
    OptionSpec(
      "count", short: "c", value: "n", help: "Stop after this many refreshes.", values: .number),
    expected: "a positive number", read: { Int($0).flatMap { $0 > 0 ? $0 : nil } })

  static let output = TypedOption(
    OptionSpec(
      "output", short: "o", value: "columns",
      help: "Columns to show, comma-separated, any case: list's and in, out, net, change; '+'"
        + " first adds them to the default ones.",
      default: WatchColumn.defaultNames.joined(separator: ","),
      values: .choices(WatchColumn.all.map { Choice(value: $0.name, summary: $0.help) }),
      commaList: true),
    read: WatchColumnRequest.init,
    problem: { text in
      let words = text.dropFirst(text.hasPrefix("+") ? 1 : 0).split(separator: ",", omittingEmptySubsequences: false)
      let bad = words.first { WatchColumn.named($0.lowercased()) == nil }.map(String.init) ?? text
      return "unknown column '\(Escaping.escape(bad))' for '--output'; columns: "
        + WatchColumn.all.map(\.name).joined(separator: ", ")
    })

  static let sort = TypedOption(
    OptionSpec(
      "sort", short: "s", value: "column",
      help: "Sort by this column at the start (< and > change it): rates highest first.",
      values: .choices(WatchColumn.all.map { Choice(value: $0.name, summary: $0.help) })),
    read: { WatchColumn.named($0.lowercased()) },
    problem: {
      "unknown column '\(Escaping.escape($0))' for '--sort'; columns: "
        + WatchColumn.all.map(\.name).joined(separator: ", ")
    })

  /// "2", "2s", "500ms", "1m", "1h", "1d": seconds, at least 0.1 (a watch is not a busy
  /// loop) and at most a day (longer, and a stuck watch looks like a quiet system).
  static func seconds(_ text: String) -> Double? {
    let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
    let (number, scale) = units.first { text.hasSuffix($0.0) }.map { (String(text.dropLast($0.0.count)), $0.1) }
      ?? (text, 1)
    guard let value = Double(number), value.isFinite, value * scale >= 0.1, value * scale <= 86400
    else { return nil }
    return value * scale
  }
}

/// What -o asks of watch: columns, or with '+' first the default ones and these.
struct WatchColumnRequest: Sendable {
  var adds: Bool
  var columns: [WatchColumn]

  init?(_ text: String) {
    adds = text.hasPrefix("+")
    var columns: [WatchColumn] = []
    for word in text.dropFirst(adds ? 1 : 0).split(separator: ",", omittingEmptySubsequences: false) {
      guard let column = WatchColumn.named(word.lowercased()) else { return nil }
      columns.append(column)
    }
    self.columns = columns
  }
}
