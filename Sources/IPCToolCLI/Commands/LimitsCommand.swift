import IPCKit

/// `ipctool limits`: every kernel limit on IPC, its use, and where it is set.
enum LimitsCommand {
  static let spec = CommandSpec(
    name: "limits",
    abstract: "Show every kernel limit on IPC objects, how much of it is used, and where it is set.",
    discussion: [
      "Values near 2^64 mean no limit and show as 'unlimited'. Limits in fs.mqueue, kernel.msg*,"
        + " kernel.shm* and kernel.sem belong to the IPC namespace.",
      "USE% is shown for what runs out (queues, segments, sets, pages, bytes of /dev/shm); a '!'"
        + " marks one 90% used or more. For a cap on each object (msgmnb, shmmax, semmsl,"
        + " msg_max, msgsize_max) USED is the largest object's, and no share is shown: a queue"
        + " made with the default length is at its cap, and nothing is short.",
    ],
    options: [SharedOptions.target, SharedOptions.json],
    examples: [Example(command: "ipctool limits", explanation: "What is close to running out.")],
    run: { parsed, console in run(parsed, console) })

  static func run(_ parsed: ParsedArguments, _ console: Console) -> ExitStatus {
    let (limits, notes) = KernelLimits(inventory: Inventory(paths: parsed.paths)).read()
    for note in notes { console.error(note.sentence) }
    if parsed.flag(SharedOptions.json) {
      let items: [JSON] = limits.map { limit in
        .object([
          ("name", .string(limit.name)), ("description", .string(limit.summary)),
          ("value", .number(limit.value)),
          ("unlimited", .bool(limit.value.map(KernelLimit.isUnlimited) ?? false)),
          ("used", .number(limit.used)), ("fraction_used", limit.fraction.map(JSON.double) ?? .null),
          ("per_object", .bool(limit.perObject)), ("near_limit", .bool(limit.isNearLimit)),
          ("set_by", .string(limit.setBy)),
        ])
      }
      console.out(JSON.document("limits", items))
      return .success
    }
    let rows = limits.map { limit in
      [
        limit.name, limit.value.map { KernelLimit.isUnlimited($0) ? "unlimited" : String($0) } ?? "?",
        limit.used.map(String.init) ?? "-",
        limit.fraction.map { PiCommand.format($0 * 100, "%.0f%%") + (limit.isNearLimit ? "!" : " ") } ?? "- ",
        limit.setBy, limit.summary,
      ]
    }
    console.out(simpleTable(["LIMIT", "VALUE", "USED", "USE% ", "SET BY", "WHAT"], rows, rightAligned: [1, 2, 3]))
    return .success
  }
}
