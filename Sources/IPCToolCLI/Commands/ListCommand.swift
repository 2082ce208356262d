import Glibc
import IPCKit

/// `ipctool list`: every object of every kind in one table.
enum ListCommand {
  static let spec = CommandSpec(
    name: "list", aliases: ["ls"],
    abstract: "List IPC objects of every kind in one table.",
    discussion: [
      "Reads /proc/sysvipc, /dev/shm and the mqueue filesystem. Objects the caller may not"
        + " open are still listed; what cannot be read shows as '?' (null in JSON)."
    ],
    options: [
      SharedOptions.kind, SharedOptions.prefix, SharedOptions.owner, SharedOptions.olderThan,
      SharedOptions.idle, SharedOptions.unused, SharedOptions.target, allNamespaces,
      SharedOptions.json, raw, pairs, shell, bytes, noHeadings, users, output.spec, sort.spec, reverse,
      timeFormat.spec, verbose,
    ],
    examples: [
      Example(command: "ipctool list", explanation: "Every object on the machine."),
      Example(
        command: "ipctool list --kind sysv --owner postgres",
        explanation: "The System V objects a user owns."),
      Example(command: "ipctool list --json", explanation: "The same, for scripts."),
      Example(
        command: "ipctool list --users --kind shm",
        explanation: "Shared memory, with the processes that map or hold each segment."),
      Example(
        command: "ipctool list --pairs -o ref,owner,size",
        explanation: "One line per object as REF='...' pairs, quoted for a shell's eval in any locale."),
      Example(
        command: "ipctool list --kind sysv -o +id,cpid,status --sort size -r",
        explanation: "System V objects, largest first, with ids, creators and state."),
    ],
    run: { parsed, console in run(parsed, console) })

  static let sort = TypedOption(
    OptionSpec(
      "sort", short: "s", value: "column",
      help: "Sort by this column (see --output): sizes, ids, keys, pids and times as numbers.",
      values: .choices(ListColumn.all.map { Choice(value: $0.name, summary: $0.help) })),
    read: { ListColumn.named($0.lowercased()) }, problem: { columnProblem($0, option: "sort") })
  static let reverse = OptionSpec("reverse", short: "r", help: "Reverse the order (with --sort, or the listing's).")
  static let timeFormat = DefaultedOption(
    TypedOption(
      OptionSpec(
        "time-format", value: "format", help: "How times show.",
        values: .choices(TimeFormat.allCases.map { Choice(value: $0.rawValue, summary: $0.summary) })),
      read: { TimeFormat(rawValue: $0) },
      problem: {
        "unknown time format '\(Escaping.escape($0))' for '--time-format'; formats: "
          + TimeFormat.allCases.map(\.rawValue).joined(separator: ", ")
      }),
    default: .standard, shown: TimeFormat.standard.rawValue)
  /// No -r: that is --reverse, as in ls and sort.
  static let raw = OptionSpec(
    "raw",
    help: "Cells one space apart, unaligned; a space within a cell is written \\x20.")
  static let pairs = OptionSpec(
    "pairs", short: "P",
    help: "Each row as KEY='value' pairs (REF='posix-shm:/x' OWNER='root'), single-quoted for a shell's eval"
      + " in any locale.")
  static let shell = OptionSpec(
    "shell", short: "y", help: "As --pairs, with keys usable as shell variable names (-Py as in lsipc).")
  static let verbose = OptionSpec(
    "verbose",
    help: "With --users, name each process that still maps an unlinked file (one summary line"
      + " otherwise; JSON always names them).")
  static let bytes = OptionSpec("bytes", short: "b", help: "Print sizes in bytes instead of 4.0K, 1.5M.")
  /// Spelled as lsipc and lsblk spell it. Not -n: that is --dry-run in clean, and lsipc's
  /// --newline; a letter means one thing across the tool.
  static let noHeadings: OptionSpec = {
    var option = OptionSpec("noheadings", help: "Leave out the header line (also --no-headings).")
    option.formerSpellings = ["no-headings"]
    return option
  }()
  static let users = OptionSpec(
    "users",
    help: "Add the processes using each object (scans /proc), and unlinked segments still mapped.")
  static let output = TypedOption(
    OptionSpec(
      "output", short: "o", value: "columns",
      help: "Columns to print, comma-separated, any case; '+' first adds them to the default"
        + " ones (-o +key). lsipc's names work too (CTIME, NATTCH). With --json, their fields."
        + " What each holds: man ipctool, or TAB.",
      default: ListColumn.defaultNames.joined(separator: ","),
      values: .choices(ListColumn.all.map { Choice(value: $0.name, summary: $0.help) }), commaList: true),
    read: ColumnRequest.init, problem: { ColumnRequest.problem($0) })

  static let allNamespaces = OptionSpec(
    "all-namespaces", short: "A",
    help: "Every object of every IPC namespace on the host (containers'), with NAMESPACE and"
      + " CONTAINER columns; needs root.")

  static func run(_ parsed: ParsedArguments, _ console: Console) -> ExitStatus {
    do throws(UsageError) {
      let selection = try Selection(parsed)
      var columns = defaultColumns(selection)
      let requested = try parsed.value(output)
      if let requested { columns = requested.applied(to: columns) }
      // lsipc's idiom -Py: --shell is --pairs with shell names, so the two together are one.
      let formats = [raw, parsed.flag(shell) ? shell : pairs, SharedOptions.json].filter(parsed.flag)
      if formats.count > 1 {
        throw UsageError(
          formats.map { "'--\($0.long)'" }.joined(separator: " and ") + " cannot be combined",
          parsed.command)
      }
      let everywhere = parsed.flag(allNamespaces)
      if everywhere && parsed.typed(SharedOptions.target) != nil {
        throw UsageError("'--all-namespaces' and '--target' cannot be combined", parsed.command)
      }
      // "-o +key" adds to the default columns, which --users extends with USERS.
      let addsColumns = requested?.adds ?? true
      if parsed.flag(users) && addsColumns && !columns.contains(where: { $0.name == "users" }),
        let column = ListColumn.named("users")
      {
        columns.append(column)
      }
      if everywhere && requested == nil {
        columns.insert(contentsOf: ["namespace", "container"].compactMap(ListColumn.named), at: 0)
      }
      // Asking for the users column is asking for the scan that fills it.
      let withUsers = parsed.flag(users) || columns.contains { $0.name == "users" }
      let snapshot = Snapshot(
        selection: selection, withUsers: withUsers, unusedOnly: parsed.flag(SharedOptions.unused))
      var run = ListRun(
        snapshot: snapshot, columns: columns, json: parsed.flag(SharedOptions.json),
        exactBytes: parsed.flag(bytes), headings: !parsed.flag(noHeadings))
      run.format = parsed.flag(raw) ? .raw : parsed.flag(pairs) ? .pairs(shellNames: false)
        : parsed.flag(shell) ? .pairs(shellNames: true) : .aligned
      if requested != nil { run.jsonFields = columns }
      // On a terminal the table fits its width (as lsipc's does); columns named with -o stay.
      run.terminalWidth = terminalWidth()
      if addsColumns {
        // The widest and least telling first: IDLE says what CHANGED does, in 4 columns.
        run.droppable = ["changed", "mode", "idle", "usage", "key"]
      }
      run.sortBy = try parsed.value(sort)
      run.reversed = parsed.flag(reverse)
      run.verbose = parsed.flag(verbose)
      run.timeFormat = try parsed.value(timeFormat)
      var gathered: [ListRun.Gathered] = []
      if everywhere {
        let (parts, unseen) = run.gatherEveryNamespace(parsed.context)
        for line in unseen { console.error(line) }  // with --json too, as every gap
        gathered = parts
      } else {
        gathered.append(run.gather(parsed.context))
      }
      for note in gathered.flatMap(\.notes) { console.error(note) }
      console.out(run.render(gathered))
      return .success
    } catch {
      console.errRaw(error.line + "\n")
      return .usage
    }
  }

  /// The columns without -o; for System V alone the key too, as lsipc shows it.
  static func defaultColumns(_ selection: Selection) -> [ListColumn] {
    var columns = ListColumn.defaultNames.compactMap(ListColumn.named)
    if selection.kinds.allSatisfy({ !$0.isNamed }), let key = ListColumn.named("key") {
      columns.insert(key, at: 1)
    }
    return columns
  }

  /// The column a word names, in any case; else a usage error that lists them.
  static func column(_ name: String, for option: OptionSpec, _ command: CommandSpec?)
    throws(UsageError) -> ListColumn
  {
    guard let column = ListColumn.named(name.lowercased()) else {
      throw UsageError(columnProblem(name, option: option.long), command)
    }
    return column
  }

  /// Why `name` names no column: lsipc --global's columns are `ipctool limits`; else the list.
  static func columnProblem(_ name: String, option: String) -> String {
    if ListColumn.lsipcLimitNames.contains(name.lowercased()) {
      return "column '\(Escaping.escape(name))' is lsipc --global's: see 'ipctool limits'"
    }
    return "unknown column '\(Escaping.escape(name))' for '--\(option)'; columns: "
      + ListColumn.all.map(\.name).joined(separator: ", ")
  }
}

/// What -o asks for: "ref,owner" (these columns), in any case, or "+key" (the default ones
/// and these).
struct ColumnRequest: Sendable {
  var adds: Bool
  var columns: [ListColumn]

  init?(_ text: String) {
    adds = text.hasPrefix("+")
    var columns: [ListColumn] = []
    for word in text.dropFirst(adds ? 1 : 0).split(separator: ",", omittingEmptySubsequences: false) {
      guard let column = ListColumn.named(word.lowercased()) else { return nil }
      columns.append(column)
    }
    self.columns = columns
  }

  func applied(to defaults: [ListColumn]) -> [ListColumn] { adds ? defaults + columns : columns }

  /// The first word of `text` that names no column, and why.
  static func problem(_ text: String) -> String {
    let words = text.dropFirst(text.hasPrefix("+") ? 1 : 0).split(separator: ",", omittingEmptySubsequences: false)
    let bad = words.first { ListColumn.named($0.lowercased()) == nil }.map(String.init) ?? text
    return ListCommand.columnProblem(bad, option: ListCommand.output.spec.long)
  }
}
