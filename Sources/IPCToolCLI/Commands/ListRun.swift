import Glibc
import IPCKit

/// One `list`: what it selects and shows, gathered namespace by namespace (one, or with
/// --all-namespaces every one, from a thread that joined it), then rendered as one table or
/// document.
struct ListRun {
  let selection: Selection
  let columns: [ListColumn]
  let withUsers: Bool
  let unusedOnly: Bool
  let json: Bool
  let exactBytes: Bool
  let headings: Bool
  var format = ListTable.Format.aligned
  /// With --json and -o: only the fields of these columns.
  var jsonFields: [ListColumn]?
  /// --sort, and --reverse.
  var sortBy: ListColumn?
  var reversed = false
  /// --verbose: a note per unlinked-but-mapped file, not one summary line.
  var verbose = false
  var timeFormat = TimeFormat.standard
  /// The terminal's width, which the table fits (nil on a pipe), and the columns that may go.
  var terminalWidth: Int?
  var droppable: [String] = []
  let users = UserNames()

  /// Which namespace objects came from, for --all-namespaces.
  struct NamespaceTag: Sendable {
    var inode: UInt64
    var container: String?
  }

  /// One namespace's part: JSON lines or table cells, and what to say on stderr.
  struct Gathered {
    var lines: [ByteBuffer] = []
    var cells: [[String]] = []
    var notes: [String] = []
    var deletedMappings: [UsageScanner.DeletedMapping] = []
  }

  /// Reads and renders the objects `paths` show. `includeShm` false leaves out POSIX shared
  /// memory and semaphores (a /dev/shm listed already).
  func gather(context: IPCContext, namespace: NamespaceTag?, includeShm: Bool) -> Gathered {
    let inventory = Inventory(context: context)
    let paths = context.paths
    // One /proc scan serves both --users and --unused.
    // --older-than and --idle too: a mapped segment's age is unknown, and it is not old.
    let usage = withUsers || unusedOnly || selection.olderThan != nil
      ? UsageOnDemand(UsageScanner(context: context)) : nil
    let report = withUsers ? usage?.report : nil
    let filtered = selection.prefix != nil || selection.owner != nil || selection.olderThan != nil
    // The same selectors as clean: `list SELECTORS` is what `clean SELECTORS --dry-run` weighs.
    // Runs on the threads that read the objects, a sorted run at a time.
    let selection = self.selection
    let now = context.clock.now
    let unusedOnly = self.unusedOnly
    let selected = { (run: [IPCObjectInfo]) -> [IPCObjectInfo] in
      var objects = filtered ? run.filter { selection.matches($0, now: now) } : run
      if let usage, unusedOnly { objects = objects.filter { usage.isUnused($0) } }
      if let usage, selection.olderThan != nil { objects = objects.filter { !usage.isMapped($0) } }
      if let report {
        for index in objects.indices { objects[index].users = report.users(of: objects[index]) }
      }
      return objects
    }
    let kinds = includeShm ? selection.kinds : selection.kinds.subtracting([.posixSharedMemory, .posixSemaphore])
    let holds = report != nil ? ApplicationHolds.read(inventory, findLeftSets: false) : ApplicationHolds()
    var gathered = Gathered(deletedMappings: (report?.deletedMappings ?? []).filter(noted))
    let listNotes: [ListingGap]
    if json {
      var fields = ObjectFields(
        users: users, withUsers: report != nil, holds: holds,
        namespace: namespace.map { ($0.inode, $0.container) })
      fields.only = jsonFields.map { Set($0.flatMap(\.jsonKeys)) }
      let render = { (objects: [IPCObjectInfo]) in fields.lines(objects, detail: false) }
      (gathered.lines, listNotes) = listed(inventory, kinds, selected, holds, namespace, render)
    } else {
      let table = ListTable(
        columns: columns, context: listContext(holds, namespace, proc: paths.proc), headings: headings,
        format: format)
      (gathered.cells, listNotes) = listed(inventory, kinds, selected, holds, namespace, table.cells)
    }
    let prefix = namespace.map { "namespace \($0.inode): " } ?? ""
    gathered.notes = listNotes.map { prefix + $0.sentence } + deletedNotes(gathered.deletedMappings)
    return gathered
  }

  /// The selected objects rendered, chunk by chunk as they are read; with --sort or
  /// --reverse, all of them read first, put in order, and rendered as one part.
  private func listed<Part>(
    _ inventory: Inventory, _ kinds: Set<IPCKind>, _ selected: @escaping ([IPCObjectInfo]) -> [IPCObjectInfo],
    _ holds: ApplicationHolds, _ namespace: NamespaceTag?, _ render: @escaping ([IPCObjectInfo]) -> Part
  ) -> ([Part], [ListingGap]) {
    guard sortBy != nil || reversed else { return inventory.list(kinds) { render(selected($0)) } }
    let (parts, gaps) = inventory.list(kinds, selected)
    let context = listContext(holds, namespace, proc: inventory.paths.proc)
    // Keys made once per object; ties keep listing order.
    var keyed = parts.joined().enumerated().map { (sortBy?.sortKey($1, context) ?? .none, $0, $1) }
    keyed.sort { ($0.0, $0.1) < ($1.0, $1.1) }
    if reversed { keyed.reverse() }
    return ([render(keyed.map(\.2))], gaps)
  }

  /// A line per unlinked-but-mapped file with --verbose; else one for all, so a listing is
  /// not buried under notes (JSON names them all).
  private func deletedNotes(_ mappings: [UsageScanner.DeletedMapping]) -> [String] {
    guard !verbose else {
      return mappings.map { "note: \($0.process) still maps \($0.path): unlinked, not yet freed" }
    }
    guard !mappings.isEmpty else { return [] }
    let files = Set(mappings.map(\.inode)).count  // one /dev/shm: an inode is a file
    let processes = Set(mappings.map(\.process.pid)).count
    return [
      "note: \(files) unlinked \(files == 1 ? "file" : "files") of /dev/shm still mapped by"
        + " \(processes) \(processes == 1 ? "process" : "processes"), not yet freed (--verbose names them)"
    ]
  }

  /// Whether an unlinked-but-mapped file is among what the selectors ask for: its kind and its
  /// name's prefix. Its owner and age are gone with its name, so a selection by those notes
  /// none.
  private func noted(_ mapping: UsageScanner.DeletedMapping) -> Bool {
    guard let (kind, name) = mapping.object, selection.kinds.contains(kind),
      selection.owner == nil, selection.olderThan == nil, !unusedOnly
    else { return false }
    return selection.prefix.map { name.starts(with: $0) } ?? true
  }

  private func listContext(_ holds: ApplicationHolds, _ namespace: NamespaceTag?, proc: String = "/proc")
    -> ListContext
  {
    var context = ListContext(users: users, exactBytes: exactBytes, holds: holds)
    context.proc = proc
    context.times = TimeTexts(format: timeFormat)
    context.namespace = namespace?.inode
    context.container = namespace?.container
    return context
  }

  func render(_ parts: [Gathered]) -> [ByteBuffer] {
    if json {
      let fields = ObjectFields(users: users, withUsers: withUsers)
      return fields.document(
        lines: parts.flatMap(\.lines), deletedMappings: withUsers ? parts.flatMap(\.deletedMappings) : nil)
    }
    var table = ListTable(
      columns: columns, context: listContext(ApplicationHolds(), nil), headings: headings, format: format)
    table.terminalWidth = format == .aligned ? terminalWidth : nil
    table.droppable = droppable
    let cells = parts.flatMap(\.cells)
    return table.render(cells: cells) + (table.terminalWidth == nil ? [] : notes(cells))
  }

  /// What a reader at a terminal needs to read the table: what "n/a" in USERS means.
  private func notes(_ cells: [[String]]) -> [ByteBuffer] {
    guard let users = columns.firstIndex(where: { $0.name == "users" }) else { return [] }
    let unknowable = cells.contains { chunk in
      stride(from: users, to: chunk.count, by: columns.count).contains { chunk[$0] == "n/a" }
    }
    guard unknowable else { return [] }
    let note = ByteBuffer(capacity: 128)
    let text = "USERS n/a: the kernel does not record which processes use System V queues and"
      + " semaphore sets (inspect shows their last pids)."
    note.append(wrap(text, width: terminalWidth ?? 80).joined(separator: "\n") + "\n")
    return [note]
  }
}
