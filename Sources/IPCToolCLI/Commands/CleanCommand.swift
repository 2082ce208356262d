import Glibc
import IPCKit

/// `ipctool clean`: removes what the selectors name, keeping objects still in use.
enum CleanCommand {
  static let spec = CommandSpec(
    name: "clean",
    abstract: "Remove many objects at once, keeping those still in use.",
    discussion: [
      "Selectors combine with AND. With none, clean refuses to run unless --all is given."
        + " An object is in use when a process maps it or holds it open (found in /proc), or,"
        + " for System V segments, while processes are attached. Objects whose users cannot be"
        + " known (processes this user may not read) are kept too. --force removes them anyway.",
      "System V objects are removed by id, after checking that the id still names the object"
        + " that was selected. Objects that vanish meanwhile count as gone, not as failures.",
    ],
    arguments: [
      ArgumentSpec(
        name: "ref", help: "Only these objects (see 'ipctool inspect').", arity: .zeroOrMore,
        values: .references)
    ],
    options: [
      SharedOptions.prefix, SharedOptions.kind, SharedOptions.owner,
      OptionSpec(
        "older-than", value: "age", help: "Only objects last changed longer ago than this: 30s, 10m, 2h, 7d."),
      OptionSpec("unused", help: "Only objects no process uses (System V segments: none attached)."),
      OptionSpec(
        "key", value: "key", help: "Only System V objects with this key; repeatable.", repeatable: true),
      OptionSpec("all", help: "Select every object when no other selector is given."),
      OptionSpec("dry-run", short: "n", help: "Print the plan and change nothing."),
      OptionSpec("force", short: "f", help: "Remove objects even when in use."),
      SharedOptions.json,
    ],
    examples: [
      Example(command: "ipctool clean --prefix /pi_", explanation: "What a crashed pi program left."),
      Example(
        command: "ipctool clean --kind sysv --owner alice --older-than 7d --dry-run",
        explanation: "What would go of a user's week-old System V objects."),
    ],
    run: { parsed, console in run(parsed, console) })

  static func run(_ parsed: ParsedArguments, _ console: Console) -> ExitStatus {
    let selection: ObjectSelection
    do throws(UsageError) {
      selection = try ObjectSelection(parsed)
      if selection.selectsEverything && !parsed.flag("all") {
        throw UsageError("no selector given; name what to clean, or pass --all", parsed.command)
      }
    } catch {
      console.errRaw(error.line + "\n")
      return .usage
    }
    let inventory = Inventory()
    let force = parsed.flag("force")
    let unusedOnly = parsed.flag("unused")
    let dryRun = parsed.flag("dry-run")
    // Users first: then each object can be decided, and removed, as soon as it is read.
    let report = force && !unusedOnly ? nil : UsageScanner(paths: inventory.paths).scan()
    let cleaner = Cleaner(inventory: inventory)
    func selected(_ object: IPCObjectInfo) -> Bool {
      guard selection.matches(object) else { return false }
      guard unusedOnly, let report else { return true }
      return report.users(of: object)?.isEmpty == true && (object.attached ?? 0) == 0
    }
    // POSIX segments and semaphores, the bulk, stream: stat, decide, unlink, on all cores.
    let posixFiles: Set<IPCKind> = [.posixSharedMemory, .posixSemaphore]
    let streamed = inventory.mapShmDirectory(selection.kinds, withValues: false) { object in
      selected(object) ? cleaner.clean(object, users: report, dryRun: dryRun, force: force) : nil
    }
    let listing = inventory.list(selection.kinds.subtracting(posixFiles), withValues: false)
    for note in listing.notes { console.error(note) }
    let listed = cleaner.clean(
      listing.objects.filter(selected), users: report, dryRun: dryRun, force: force)
    let outcomes = (streamed.segments + streamed.semaphores + listed).enumerated().sorted { left, right in
      left.element.object.kind != right.element.object.kind
        ? left.element.object.kind < right.element.object.kind : left.offset < right.offset
    }.map(\.element)
    if parsed.flag("json") {
      console.out(json(outcomes, dryRun: dryRun))
    } else {
      console.out(text(outcomes, dryRun: dryRun))
    }
    return outcomes.contains { $0.action == .failed } ? .failure : .success
  }

  static func text(_ outcomes: [Cleaner.Outcome], dryRun: Bool) -> String {
    var out = ""
    for outcome in outcomes {
      let word = outcome.action == .wouldRemove ? "would remove" : outcome.action.rawValue
      out += word.padding(to: 9) + outcome.object.reference.description
      if let reason = outcome.reason { out += ": " + reason }
      out += "\n"
    }
    let count = { (action: Cleaner.Action) in outcomes.filter { $0.action == action }.count }
    let kept = "kept \(count(.kept)) in use, failed \(count(.failed))"
    let gone = count(.gone) > 0 ? ", gone \(count(.gone))" : ""
    out += dryRun
      ? "would remove \(count(.wouldRemove)), \(kept)\(gone) (dry run: nothing changed)\n"
      : "removed \(count(.removed)), \(kept)\(gone)\n"
    return out
  }

  static func json(_ outcomes: [Cleaner.Outcome], dryRun: Bool) -> String {
    let count = { (action: Cleaner.Action) in JSON.number(outcomes.filter { $0.action == action }.count) }
    let items: [JSON] = outcomes.map { outcome in
      .object([
        ("ref", .string(outcome.object.reference.description)),
        ("kind", .string(outcome.object.kind.rawValue)),
        ("action", .string(outcome.action.rawValue)),
        ("reason", .string(outcome.reason)),
        ("users", usersJSON(outcome.object.users)),
      ])
    }
    return JSON.document(
      "objects", items,
      extra: [
        ("dry_run", .bool(dryRun)), ("removed", count(.removed)),
        ("would_remove", count(.wouldRemove)), ("kept", count(.kept)), ("failed", count(.failed)),
        ("gone", count(.gone)),
      ])
  }
}

/// `[{"pid": 1, "command": "init"}]`, or null when unknown.
func usersJSON(_ users: [ProcessRef]?) -> JSON {
  guard let users else { return .null }
  return .array(users.map { .object([("pid", .number($0.pid)), ("command", .string($0.command))]) })
}
