import Glibc
import IPCKit

/// How one `list` shows what it reads: the snapshot (IPCKit's job: which objects, their users,
/// in which order, namespace by namespace) rendered as one table or document, each run of
/// objects as it is read.
struct ListRun {
  var snapshot: Snapshot
  let columns: [ListColumn]
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

  /// One namespace's part: JSON lines or table cells, and what to say on stderr.
  struct Gathered {
    var lines: [ByteBuffer] = []
    var cells: [TableCells] = []
    var notes: [String] = []
    var deletedMappings: [UsageScanner.DeletedMapping] = []
  }

  /// The snapshot in the order --sort and --reverse ask for: a column's sort key, made against
  /// each namespace's scope.
  private var ordered: Snapshot {
    var snapshot = self.snapshot
    if let sortBy {
      snapshot.order = Snapshot.Order(reversed: reversed) { scope in
        let context = listContext(scope)
        return { sortBy.sortKey($0, context) }
      }
    } else if reversed {
      snapshot.order = .reversedListing
    }
    return snapshot
  }

  /// The objects `context` shows, rendered as they are read.
  func gather(_ context: IPCContext) -> Gathered {
    json ? gathered(ordered.read(context, jsonLines), \.lines)
      : gathered(ordered.read(context, tableCells), \.cells)
  }

  /// The objects of every IPC namespace, each rendered on the thread that joined it; and what
  /// could not be seen (namespaces not joined, processes whose namespace could not be read),
  /// as lines for stderr.
  func gatherEveryNamespace(_ context: IPCContext) -> (parts: [Gathered], unseen: [String]) {
    func each<Part>(_ render: @escaping (Snapshot.Scope) -> ([IPCObjectInfo]) -> Part,
      _ field: WritableKeyPath<Gathered, [Part]>
    ) -> ([Gathered], [String]) {
      var parts: [Gathered] = []
      var unjoined: [(label: String, code: Errno)] = []
      let survey = ordered.surveyEveryNamespace(context, render)
      for namespace in survey.namespaces {
        switch namespace.reading {
        case .success(let reading): parts.append(gathered(reading, field))
        case .failure(let code): unjoined.append((NamespaceWording.label(namespace.namespace), code))
        }
      }
      return (parts, NamespaceWording.everyNamespaceNotes(
        unreadableProcesses: survey.unreadableProcesses, unjoined: unjoined))
    }
    return json ? each(jsonLines, \.lines) : each(tableCells, \.cells)
  }

  /// A run of objects as JSON lines (see `ObjectFields.lines`).
  private func jsonLines(_ scope: Snapshot.Scope) -> ([IPCObjectInfo]) -> ByteBuffer {
    var fields = ObjectFields(
      users: users, withUsers: scope.withUsers, holds: scope.holds,
      namespace: scope.namespace.map { ($0.inode, $0.container) })
    fields.only = jsonFields.map { Set($0.flatMap(\.jsonKeys)) }
    return { fields.lines($0, detail: false) }
  }

  /// A run of objects as the table's cells, row after row.
  private func tableCells(_ scope: Snapshot.Scope) -> ([IPCObjectInfo]) -> TableCells {
    let table = ListTable(
      columns: columns, context: listContext(scope), headings: headings, format: format)
    return table.cells
  }

  /// One namespace's parts, and its gaps and unlinked mappings as lines for stderr.
  private func gathered<Part>(
    _ reading: Snapshot.Reading<Part>, _ field: WritableKeyPath<Gathered, [Part]>
  ) -> Gathered
  {
    var gathered = Gathered(deletedMappings: reading.deletedMappings)
    gathered[keyPath: field] = reading.parts
    let prefix = reading.scope.namespace.map { "namespace \($0.inode): " } ?? ""
    gathered.notes =
      reading.gaps.map { prefix + $0.sentence } + deletedNotes(reading.deletedMappings)
    return gathered
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

  private func listContext(_ scope: Snapshot.Scope?) -> ListContext {
    var context = ListContext(
      users: users, exactBytes: exactBytes, holds: scope?.holds ?? ApplicationHolds())
    context.proc = scope?.context.paths.proc ?? "/proc"
    context.times = TimeTexts(format: timeFormat)
    context.namespace = scope?.namespace?.inode
    context.container = scope?.namespace?.container
    if let scope { context.now = scope.context.clock.now }  // IDLE by the snapshot's clock
    return context
  }

  func render(_ parts: [Gathered]) -> [ByteBuffer] {
    if json {
      let fields = ObjectFields(users: users, withUsers: snapshot.withUsers)
      return fields.document(
        lines: parts.flatMap(\.lines),
        deletedMappings: snapshot.withUsers ? parts.flatMap(\.deletedMappings) : nil)
    }
    var table = ListTable(
      columns: columns, context: listContext(nil), headings: headings, format: format)
    table.terminalWidth = format == .aligned ? terminalWidth : nil
    table.droppable = droppable
    let cells = parts.flatMap(\.cells)
    return table.render(cells: cells) + (table.terminalWidth == nil ? [] : notes(cells))
  }

  /// What a reader at a terminal needs to read the table: what "n/a" in USERS means.
  private func notes(_ cells: [TableCells]) -> [ByteBuffer] {
    guard let users = columns.firstIndex(where: { $0.name == "users" }) else { return [] }
    let unknowable = cells.contains { chunk in
      stride(from: users, to: chunk.count, by: columns.count).contains {
        chunk.cell($0).elementsEqual("n/a".utf8)
      }
    }
    guard unknowable else { return [] }
    let note = ByteBuffer(capacity: 128)
    let text = "USERS n/a: the kernel does not record which processes use System V queues and"
      + " semaphore sets (inspect shows their last pids)."
    note.append(wrap(text, width: terminalWidth ?? 80).joined(separator: "\n") + "\n")
    return [note]
  }
}
