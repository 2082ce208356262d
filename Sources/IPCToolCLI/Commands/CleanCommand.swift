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
    let euid = geteuid()
    let usage = UsageOnDemand(UsageScanner(paths: inventory.paths))
    let cleaner = Cleaner(inventory: inventory)
    func selected(_ object: IPCObjectInfo) -> Bool {
      guard selection.matches(object) else { return false }
      guard unusedOnly else { return true }
      guard UsageOnDemand.isNeeded(for: object) else { return true }
      return usage.report.users(of: object)?.isEmpty == true && (object.attached ?? 0) == 0
    }
    func decide(_ object: IPCObjectInfo, readJustNow: Bool) -> Cleaner.Outcome? {
      guard selected(object) else { return nil }
      let users = !force && UsageOnDemand.isNeeded(for: object) ? usage.report : nil
      return cleaner.clean(
        object, users: users, dryRun: dryRun, force: force, euid: euid, readJustNow: readJustNow)
    }
    // POSIX segments and semaphores, the bulk, stream: stat, decide, unlink, on all cores.
    let files = inventory.mapShmDirectory(selection.kinds, withValues: false) {
      decide($0, readJustNow: false)
    }
    var byKind: [IPCKind: [Cleaner.Outcome]] = [
      .posixSharedMemory: files.segments, .posixSemaphore: files.semaphores,
    ]
    // The other kinds are read and cleaned each on a thread of its own; System V objects are
    // removed as soon as the kernel has given their record.
    let others = IPCKind.allCases.filter {
      selection.kinds.contains($0) && $0 != .posixSharedMemory && $0 != .posixSemaphore
    }
    let cleaned = inParallel(chunks: chunked(others.count, size: 1), threads: others.count) {
      range -> (notes: [String], outcomes: [Cleaner.Outcome]) in
      let kind = others[range.lowerBound]
      if let outcomes = inventory.mapSysVSlots(kind, { decide($0, readJustNow: true) }) {
        return (notes: [], outcomes: outcomes)
      }
      let listing = inventory.list([kind], withValues: false)
      return (listing.notes, listing.objects.compactMap { decide($0, readJustNow: false) })
    }
    for (kind, (notes, outcomes)) in zip(others, cleaned) {
      for note in notes { console.error(note) }
      byKind[kind] = outcomes
    }
    let outcomes = Array(concatenating: IPCKind.allCases.sorted().compactMap { byKind[$0] })
    console.out([parsed.flag("json") ? json(outcomes, dryRun: dryRun) : text(outcomes, dryRun: dryRun)])
    return outcomes.contains { $0.action == .failed } ? .failure : .success
  }

  /// A line per object, then the summary; made as bytes, since a clean can report tens of
  /// thousands of objects.
  static func text(_ outcomes: [Cleaner.Outcome], dryRun: Bool) -> ByteBuffer {
    let out = ByteBuffer(capacity: outcomes.count * 32 + 128)
    var counts: [Cleaner.Action: Int] = [:]
    for outcome in outcomes {
      counts[outcome.action, default: 0] += 1
      out.append(column(outcome.action))
      out.append(outcome.object.kind.rawValue)
      out.append(UInt8(ascii: ":"))
      if let name = outcome.object.name {
        out.append(name.text)
      } else {
        out.appendDecimal(UInt64(max(outcome.object.id ?? 0, 0)))
      }
      if let reason = outcome.reason {
        out.append(": " as StaticString)
        out.append(reason)
      }
      out.append(UInt8(ascii: "\n"))
    }
    let count = { (action: Cleaner.Action) in counts[action] ?? 0 }
    let kept = "kept \(count(.kept)) in use, failed \(count(.failed))"
    let gone = count(.gone) > 0 ? ", gone \(count(.gone))" : ""
    out.append(
      dryRun
        ? "would remove \(count(.wouldRemove)), \(kept)\(gone) (dry run: nothing changed)\n"
        : "removed \(count(.removed)), \(kept)\(gone)\n")
    return out
  }

  /// What happened, padded so the references line up.
  private static func column(_ action: Cleaner.Action) -> StaticString {
    switch action {
    case .removed: "removed  "
    case .wouldRemove: "would remove "
    case .kept: "kept     "
    case .failed: "failed   "
    case .gone: "gone     "
    }
  }

  static func json(_ outcomes: [Cleaner.Outcome], dryRun: Bool) -> ByteBuffer {
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
    return JSON.documentBytes(
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
