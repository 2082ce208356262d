import IPCKit

/// `ipctool clean`: removes what the selectors name, keeping objects still in use.
enum CleanCommand {
  static let spec = CommandSpec(
    name: "clean",
    abstract: "Remove many objects at once, keeping those still in use.",
    discussion: [
      "Selectors combine with AND. With none, clean refuses to run unless --all is given; an"
        + " empty --prefix (or just '/') is none, so an unset shell variable cannot select"
        + " everything."
        + " An object is in use when a process maps it (shared or private) or holds it open"
        + " (found in /proc), or,"
        + " for System V segments, while processes are attached. Objects whose users cannot be"
        + " known (processes this user may not read) are kept too. So are the segments a running"
        + " PostgreSQL holds unmapped, a crashed one's set unless all of it goes, and, when no"
        + " selector names objects (--all, --kind, --owner, an age), unused objects whose"
        + " owner (not root) still runs processes in this namespace; see NOTES in the man page."
        + " --force removes them anyway.",
      "What the caller may not remove fails with 'Permission denied' before anything else is"
        + " decided, by the kernel's rules for this caller: POSIX objects (in sticky"
        + " directories) by their owner or with CAP_FOWNER, System V objects by their owner or"
        + " creator or with CAP_SYS_ADMIN.",
      "System V objects are removed by id, after checking that the id still names the object"
        + " that was selected. Objects that vanish meanwhile count as gone, not as failures.",
    ],
    arguments: [
      ArgumentSpec(
        name: "ref", help: "Only these objects (see 'ipctool inspect').", arity: .zeroOrMore,
        values: .references)
    ],
    options: [
      SharedOptions.prefix, SharedOptions.kind, SharedOptions.owner, SharedOptions.olderThan,
      SharedOptions.idle, SharedOptions.unused, SharedOptions.key, SharedOptions.target, all, dryRun, force,
      SharedOptions.json,
    ],
    examples: [
      Example(command: "ipctool clean --prefix /pi_", explanation: "What a crashed pi program left."),
      Example(
        command: "ipctool clean --kind sysv --owner alice --older-than 7d --dry-run",
        explanation: "What would go of a user's week-old System V objects."),
    ],
    run: { parsed, console in run(parsed, console) })

  static let all = OptionSpec("all", help: "Select every object when no other selector is given.")
  static let dryRun = OptionSpec("dry-run", short: "n", help: "Print the plan and change nothing.")
  static let force = OptionSpec("force", short: "f", help: "Remove objects even when in use.")

  static func run(_ parsed: ParsedArguments, _ console: Console) -> ExitStatus {
    let selection: ObjectSelection
    do throws(UsageError) {
      selection = try ObjectSelection(parsed)
      if selection.selectsEverything && !parsed.flag(all) {
        guard !parsed.flag(SharedOptions.unused) else {
          throw UsageError(
            "'--unused' narrows a selection but selects nothing by itself; add --all to clean"
              + " every unused object", parsed.command)
        }
        throw UsageError("no selector given; name what to clean, or pass --all", parsed.command)
      }
    } catch {
      console.errRaw(error.line + "\n")
      return .usage
    }
    let run = CleanRun(
      selection: selection, force: parsed.flag(force), unusedOnly: parsed.flag(SharedOptions.unused),
      dryRun: parsed.flag(dryRun))
    // A selected kind that could not be read is a failure, not a note: its objects were
    // neither removed nor kept, and a script must not take the run for complete.
    let (outcomes, gaps) = run.cleanAll()
    for gap in gaps { console.error(gap.sentence) }
    let counts = ActionCounts(outcomes)
    console.out([
      parsed.flag(SharedOptions.json)
        ? json(outcomes, counts, dryRun: run.dryRun) : text(outcomes, counts, dryRun: run.dryRun)
    ])
    // The record was lost (a full disk, a closed stdout) but the objects are gone all the
    // same: say what was done where it can still be read.
    if console.outputFailure != nil { console.error("clean: " + counts.summary(dryRun: run.dryRun)) }
    return counts.failed > 0 || !gaps.isEmpty ? .failure : .success
  }

  /// How many outcomes of each action, counted once for the text, the JSON and the status.
  /// Kept objects are told apart by why: in use (users, attachments, activity), users unknown,
  /// or marked for removal already; failures that are refusals apart from the rest.
  struct ActionCounts {
    var removed = 0, wouldRemove = 0, kept = 0, failed = 0, gone = 0
    var inUse = 0, usersUnknown = 0, ownerActive = 0, markedForRemoval = 0, permissionDenied = 0

    init(_ outcomes: [Cleaner.Outcome]) {
      for outcome in outcomes {
        switch outcome.action {
        case .removed: removed += 1
        case .wouldRemove: wouldRemove += 1
        case .kept: kept += 1
        case .failed: failed += 1
        case .gone: gone += 1
        }
        switch outcome.reason {
        case .inUse, .attached, .activity, .heldBy, .setStays: inUse += 1
        case .usersUnknown, .processesHidden: usersUnknown += 1
        case .ownerActive: ownerActive += 1
        case .markedForRemoval: markedForRemoval += 1
        case .permissionDenied: permissionDenied += 1
        default: break
        }
      }
    }

    /// "removed 2, kept 1 in use, failed 0", or with a dry run "would remove 2, ...".
    func summary(dryRun: Bool) -> String {
      dryRun
        ? "would remove \(wouldRemove), \(keptAndFailed) (dry run: nothing changed)"
        : "removed \(removed), \(keptAndFailed)"
    }

    /// "kept 1 in use, 2 users unknown, failed 3 (permission denied), gone 1".
    var keptAndFailed: String {
      var text = "kept \(inUse) in use"
      if usersUnknown > 0 { text += ", \(usersUnknown) users unknown" }
      if ownerActive > 0 { text += ", \(ownerActive) of owners still running" }
      if markedForRemoval > 0 { text += ", \(markedForRemoval) marked for removal" }
      text += ", failed \(failed)"
      if permissionDenied > 0 {
        text += permissionDenied == failed ? " (permission denied)" : " (\(permissionDenied) permission denied)"
      }
      if gone > 0 { text += ", gone \(gone)" }
      return text
    }
  }

  /// A line per object, then the summary; made as bytes, since a clean can report tens of
  /// thousands of objects.
  static func text(_ outcomes: [Cleaner.Outcome], _ counts: ActionCounts, dryRun: Bool) -> ByteBuffer {
    let out = ByteBuffer(capacity: 128 + outcomes.count * 32)
    for outcome in outcomes {
      out.append(column(outcome.action))
      out.append(outcome.object.kind.rawValue)
      out.append(UInt8(ascii: ":"))
      if let name = outcome.object.name {
        out.append(name.description)
      } else {
        out.appendDecimal(UInt64(max(outcome.object.id ?? 0, 0)))
      }
      if let reason = outcome.reason {
        out.append(": " as StaticString)
        out.append(reason.words)
      }
      out.append(UInt8(ascii: "\n"))
    }
    out.append(counts.summary(dryRun: dryRun) + "\n")
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

  static func json(
    _ outcomes: some Collection<Cleaner.Outcome>, _ counts: ActionCounts, dryRun: Bool
  ) -> ByteBuffer {
    let items: [JSON] = outcomes.map { outcome in
      .object([
        ("ref", .string(outcome.object.reference.description)),
        ("kind", .string(outcome.object.kind.rawValue)),
        ("action", .string(outcome.action.rawValue)),
        ("reason", .string(outcome.reason?.words)),
        ("why", .string(outcome.reason?.code)),
        ("users", usersJSON(outcome.object.users)),
      ])
    }
    return JSON.documentBytes(
      "objects", items,
      extra: [
        ("dry_run", .bool(dryRun)), ("removed", .number(counts.removed)),
        ("would_remove", .number(counts.wouldRemove)), ("kept", .number(counts.kept)),
        ("failed", .number(counts.failed)), ("gone", .number(counts.gone)),
        ("in_use", .number(counts.inUse)), ("users_unknown", .number(counts.usersUnknown)),
        ("owner_active", .number(counts.ownerActive)),
        ("marked_for_removal", .number(counts.markedForRemoval)),
        ("permission_denied", .number(counts.permissionDenied)),
      ])
  }
}

/// `[{"pid": 1, "command": "init"}]`, or null when unknown.
func usersJSON(_ users: [ProcessRef]?) -> JSON {
  guard let users else { return .null }
  return .array(users.map { .object([("pid", .number($0.pid)), ("command", .string($0.command))]) })
}
