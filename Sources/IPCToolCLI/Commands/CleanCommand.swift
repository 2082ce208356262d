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
        + " PostgreSQL cluster lists, a crashed one's set unless all of it goes, what a running"
        + " Python multiprocessing resource tracker may hold, and, when no selector names"
        + " objects (--all, --kind, --owner, an age), queues holding messages and unused objects"
        + " whose owner (not root) still runs processes in this namespace; see NOTES in the man"
        + " page."
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
    let selection: Selection
    do throws(UsageError) {
      selection = try Selection(parsed)
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
    let dryRun = parsed.flag(Self.dryRun)
    let json = parsed.flag(SharedOptions.json)
    let session = CleanSession(
      parsed.context, selection: selection, force: parsed.flag(force),
      unusedOnly: parsed.flag(SharedOptions.unused), dryRun: dryRun)
    // A selected kind that could not be read is a failure, not a note: its objects were
    // neither removed nor kept, and a script must not take the run for complete.
    let (parts, gaps) = session.run { CleanReport(json: json, dryRun: dryRun) }
    let report = CleanReport(json: json, dryRun: dryRun, capacity: 0)
    for part in parts { report.append(part) }
    for gap in gaps { console.error(gap.sentence) }
    // One gap may be two kinds: /dev/shm holds segments and semaphores.
    report.counts.kindsNotRead = gaps.reduce(0) { count, gap in
      guard case .shmDirectoryUnreadable = gap else { return count + 1 }
      return count + selection.kinds.intersection(IPCKind.shmFileKinds).count
    }
    console.out(report.document(dryRun: dryRun))
    // The record was lost (a full disk, a closed stdout) but the objects are gone all the
    // same: say what was done where it can still be read.
    if console.outputFailure != nil { console.error("clean: " + report.counts.summary(dryRun: dryRun)) }
    return report.counts.isFailure ? .failure : .success
  }
}

/// `[{"pid": 1, "command": "init"}]`, or null when unknown.
func usersJSON(_ users: [ProcessRef]?) -> JSON {
  guard let users else { return .null }
  return .array(users.map { .object([("pid", .number($0.pid)), ("command", .string($0.command))]) })
}
