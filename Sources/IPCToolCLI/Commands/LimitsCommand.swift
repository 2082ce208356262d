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
      "Bytes show as list shows sizes (24G); --bytes and --json give them exact. The kernel"
        + " counts RLIMIT_MSGQUEUE over every queue the user made, in any IPC namespace; USED"
        + " adds up only the queues of this one, so it can be less than the kernel's count.",
    ],
    options: [SharedOptions.target, SharedOptions.json, ListCommand.bytes],
    examples: [Example(command: "ipctool limits", explanation: "What is close to running out.")],
    run: { parsed, console in run(parsed, console) })

  /// The limits counted in bytes: shown as sizes are in list, unless --bytes.
  static let byteLimits: Set<String> = [
    "msgmax", "msgmnb", "shmmax", "msgsize_max", "msgsize_default", "RLIMIT_MSGQUEUE", "shm_size",
  ]

  static func run(_ parsed: ParsedArguments, _ console: Console) -> ExitStatus {
    let (limits, notes) = KernelLimits(inventory: Inventory(context: parsed.context)).read()
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
    let exact = parsed.flag(ListCommand.bytes)
    let rows = limits.map { limit in
      let number = { (value: UInt64) in
        exact || !byteLimits.contains(limit.name) ? String(value) : ByteSize.human(value)
      }
      return [
        limit.name, limit.value.map { KernelLimit.isUnlimited($0) ? "unlimited" : number($0) } ?? "?",
        limit.used.map(number) ?? "-",
        limit.fraction.map { PiCommand.format($0 * 100, "%.0f%%") + (limit.isNearLimit ? "!" : " ") } ?? "- ",
        limit.setBy, limit.summary,
      ]
    }
    let table = simpleTable(["LIMIT", "VALUE", "USED", "USE% ", "SET BY", "WHAT"], rows, rightAligned: [1, 2, 3])
    console.out(terminalWidth().map { fitted(table, to: $0) } ?? table)
    return .success
  }

  /// The table fitted to a terminal `width` wide (on a pipe it stays one line a limit, for
  /// grep): WHAT, the last column, wraps under itself where a line passes the width; where it
  /// would get fewer than 20 columns, it goes under its row instead, indented.
  static func fitted(_ table: String, to width: Int) -> String {
    let lines = table.split(separator: "\n", omittingEmptySubsequences: false)
    guard let header = lines.first, let start = header.firstRange(of: "WHAT"),
      lines.contains(where: { $0.count > width })
    else { return table }
    let column = header.distance(from: header.startIndex, to: start.lowerBound)
    let below = width - column < 20
    let indent = below ? 4 : column
    return lines.enumerated().map { index, line in
      guard line.count > column else { return String(line) }
      let row = String(line.prefix(column).reversed().drop { $0 == " " }.reversed())
      let what = wrap(String(line.dropFirst(column)), width: width - indent)
      let padding = "\n" + String(repeating: " ", count: indent)
      if index == 0 { return below ? row : String(line) }
      if below { return row + padding + what.joined(separator: padding) }
      return String(line.prefix(column)) + what.joined(separator: padding)
    }.joined(separator: "\n")
  }
}
