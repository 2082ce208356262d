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
      SharedOptions.idle, SharedOptions.unused, SharedOptions.target, SharedOptions.json, bytes,
      noHeadings, users, output,
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
    ],
    run: { parsed, console in run(parsed, console) })

  static let bytes = OptionSpec("bytes", short: "b", help: "Print sizes in bytes instead of 4.0K, 1.5M.")
  static let noHeadings = OptionSpec("no-headings", short: "n", help: "Leave out the header line.")
  static let users = OptionSpec(
    "users",
    help: "Add the processes using each object (scans /proc), and unlinked segments still mapped.")
  static let output = OptionSpec(
    "output", short: "o", value: "columns",
    help: "Comma-separated columns to print: "
      + ListColumn.all.map { "\($0.name) (\($0.help))" }.joined(separator: ", ") + ".",
    default: ListColumn.defaultNames.joined(separator: ","),
    values: .choices(ListColumn.all.map { Choice(value: $0.name, summary: $0.help) }))

  static func run(_ parsed: ParsedArguments, _ console: Console) -> ExitStatus {
    do {
      let selection = try ObjectSelection(parsed)
      var columns = try parsed.value(output, "a list of columns", parseColumns)
        ?? ListColumn.defaultNames.compactMap(ListColumn.named)
      // One /proc scan serves both --users and --unused.
      let usage =
        parsed.flag(users) || parsed.flag(SharedOptions.unused)
        ? UsageOnDemand(UsageScanner()) : nil
      let report = parsed.flag(users) ? usage?.report : nil
      if report != nil && parsed.typed(output) == nil, let column = ListColumn.named("users") {
        columns.append(column)
      }
      let filtered = selection.prefix != nil || selection.owner != nil || selection.olderThan != nil
      // The same selectors as clean: `list SELECTORS` is what `clean SELECTORS --dry-run` weighs.
      // Runs on the threads that read the objects, a sorted run at a time.
      func selected(_ run: [IPCObjectInfo]) -> [IPCObjectInfo] {
        var objects = filtered ? run.filter { selection.matches($0) } : run
        if let usage, parsed.flag(SharedOptions.unused) {
          objects = objects.filter { CleanRun.isUnused($0, usage) }
        }
        if let report {
          for index in objects.indices { objects[index].users = report.users(of: objects[index]) }
        }
        return objects
      }
      let inventory = Inventory()
      let users = UserNames()
      let holds = report != nil ? ApplicationHolds.read(inventory, findLeftSets: false) : ApplicationHolds()
      let (output, notes): ([ByteBuffer], [String])
      if parsed.flag(SharedOptions.json) {
        let fields = ObjectFields(users: users, withUsers: report != nil, holds: holds)
        let (lines, listNotes) = inventory.list(selection.kinds) { fields.lines(selected($0), detail: false) }
        (output, notes) = (
          fields.document(lines: lines, deletedMappings: report?.deletedMappings),
          listNotes.map(\.sentence)
        )
      } else {
        let context = ListContext(users: users, exactBytes: parsed.flag(bytes), holds: holds)
        let table = ListTable(columns: columns, context: context, headings: !parsed.flag(noHeadings))
        let (cells, listNotes) = inventory.list(selection.kinds) { table.cells(selected($0)) }
        let deleted = (report?.deletedMappings ?? []).map {
          "note: \($0.process) still maps \($0.path): unlinked, not yet freed"
        }
        (output, notes) = (table.render(cells: cells), listNotes.map(\.sentence) + deleted)
      }
      for note in notes { console.error(note) }
      console.out(output)
      return .success
    } catch {
      console.errRaw(error.line + "\n")
      return .usage
    }
  }

  static func parseColumns(_ text: String) -> [ListColumn]? {
    let columns = text.split(separator: ",").map { ListColumn.named(String($0)) }
    guard !columns.isEmpty, !columns.contains(where: { $0 == nil }) else { return nil }
    return columns.compactMap { $0 }
  }
}
