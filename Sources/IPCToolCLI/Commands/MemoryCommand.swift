import IPCKit

/// `ipctool memory`: where meminfo's Shmem is, row by row, with what holds each part.
enum MemoryCommand {
  static let spec = CommandSpec(
    name: "memory",
    aliases: ["mem"],
    abstract: "Account for the kernel's shared memory (meminfo's Shmem): tmpfs, System V, memfd,"
      + " shared anonymous, and what holds each.",
    discussion: [
      "One row per place shared memory lives, adding up to Shmem of /proc/meminfo (what free"
        + " shows as shared): each tmpfs file system (its use as df counts it; /dev/shm first,"
        + " with its POSIX objects and, indented, each file unlinked but still mapped or open,"
        + " by whom: df counts those, ls does not show them); the /dev/shm of each other mount"
        + " namespace (a container's), through its first process; each System V segment of this"
        + " IPC namespace (its pages in RAM, as /proc/sysvipc/shm counts them, and in swap; one"
        + " marked for removal stays until its last process detaches, shown with those"
        + " processes); each memfd file and each shared anonymous region (mmap MAP_SHARED |"
        + " MAP_ANONYMOUS, shared with the children forked after), counted once however many"
        + " processes map it or hold it open, with its pages and its holders.",
      "The row 'unexplained' is Shmem less the rows: what no process and no mount of ours"
        + " shows (buffers of GPU and other drivers, tmpfs mounts of other mount namespaces"
        + " other than their /dev/shm, and, without --all-namespaces, other IPC namespaces'"
        + " System V segments). It is shown,"
        + " never hidden; it can be negative, since tmpfs and memfd rows count pages in swap"
        + " too and Shmem only those in RAM. Indented rows are part of the row above and are"
        + " not added again.",
      "--by process shows what each process holds (memfd, shared anonymous, unlinked files,"
        + " attached segments) and, as ALONE, what its exit would free: what no other process"
        + " holds. --by container shows each memory cgroup with processes in it: the shmem its"
        + " memory.stat charges to it (cgroup v1's total_shmem, v2's shmem; a container's"
        + " /dev/shm files count against its limit, which is how writing there gets a pod"
        + " OOM-killed), its limit (memory.limit_in_bytes or memory.max), and the size and use"
        + " of the /dev/shm its processes see.",
      "memfd files and shared anonymous regions are not kinds of list, inspect or clean: they"
        + " have no name in any namespace, nobody can open them but by inheriting or being"
        + " passed a descriptor, and they are freed only with their last holder, so there is"
        + " nothing to remove; they appear here only, and clean never touches them.",
      "--json prints {\"shmem\", \"explained\", \"unexplained\", \"processes\","
        + " \"unreadable_processes\", \"rows\": [...]}, bytes exact. Each row has \"kind\": tmpfs"
        + " (mount, device, size, used, seen_through, posix_objects, posix_bytes, unlinked_bytes,"
        + " unlinked: rows of kind unlinked), sysv-shm (ref, id, namespace, container, key, size,"
        + " resident, swapped, attached, marked_for_removal, holders), memfd and shared-anon"
        + " (name, path, device, inode, bytes: its pages, size, holders). A holder is {pid,"
        + " command}; holders null means some are unknown. --by process prints {\"processes\"}"
        + " (pid, command, memfd, shared_anon, unlinked, sysv_shm, total, alone); --by container"
        + " {\"cgroups\"} (cgroup, version, container, processes, pids, shmem, limit: bytes, or"
        + " \"max\" for none, dev_shm_size, dev_shm_used).",
      "--kind, --prefix, --owner, --older-than (or --idle) and --unused choose objects as list"
        + " does (names escaped as list prints them, compared as bytes; an age is the time since"
        + " the last activity, not known, so never old, for a segment mapped, held open or"
        + " attached now; unused is that no process maps it, holds it open or has it attached,"
        + " and users that cannot be read are not none) and show only those: POSIX shared memory"
        + " objects of this /dev/shm (their pages) and System V segments of this IPC namespace"
        + " (their pages in RAM). Every other byte the rows count goes into one row, 'not"
        + " selected' (not_selected in JSON): the objects not chosen, the rest of each tmpfs,"
        + " files unlinked (their name is gone, nothing selects them), memfd files and shared"
        + " anonymous regions (not IPC objects, so no selector picks them), POSIX semaphores'"
        + " pages and other namespaces' segments. Those rows without an object are held by"
        + " definition, so --unused leaves them out, and have no age (their owner and times went"
        + " with their name, or never were), so an age leaves them out too, as list --users"
        + " leaves out unlinked files then. The selected rows, 'not selected' and 'unexplained'"
        + " still add up to Shmem: nothing is hidden. Selectors apply to this view only, not"
        + " with --by.",
      "Processes whose maps or descriptors cannot be read (not even root may read a"
        + " supervisor's) are counted as unreadable and named on stderr: what they hold is"
        + " unknown, not nothing. Every file is asked only from what its inode already"
        + " knows (statx, AT_STATX_DONT_SYNC), never by a path another user controls.",
    ],
    options: [
      by, sort, allNamespaces, SharedOptions.kind, SharedOptions.prefix, SharedOptions.owner,
      SharedOptions.olderThan, SharedOptions.idle, SharedOptions.unused, SharedOptions.json,
    ],
    examples: [
      Example(command: "ipctool memory", explanation: "Where the shared memory free shows is."),
      Example(
        command: "ipctool memory --prefix /pg --owner postgres",
        explanation: "How much of Shmem one user's objects hold, and how much the rest."),
      Example(
        command: "ipctool memory --unused --older-than 1d",
        explanation:
          "What objects nobody has used for a day hold: what clean would free with the same"
          + " selectors."),
      Example(
        command: "ipctool memory --by container",
        explanation: "Which container's /dev/shm counts against its memory limit."),
    ],
    run: { parsed, console in run(parsed, console) })

  static let by = OptionSpec(
    "by", value: "view", help: "Group by process or by container instead of by place.",
    values: .choices([
      Choice(value: "process", summary: "what each process holds, and what only it holds"),
      Choice(value: "container", summary: "each memory cgroup: its shmem, its limit, its /dev/shm"),
    ]))

  static let sort = OptionSpec(
    "sort", value: "order",
    help:
      "Order the rows of each part (files, segments, processes, cgroups) by bytes, name or pid.",
    values: .choices(MemoryOrder.choices))

  static let allNamespaces = OptionSpec(
    "all-namespaces", short: "A",
    help: "Also the System V segments of every other IPC namespace (containers'), each joined;"
      + " needs root.")

  enum View: String { case place, process, container }

  static func run(_ parsed: ParsedArguments, _ console: Console) -> ExitStatus {
    let view: View
    let order: MemoryOrder?
    let selection: Selection
    let unusedOnly = parsed.flag(SharedOptions.unused)
    do throws(UsageError) {
      view =
        try parsed.value(by, "process or container") { $0 == "place" ? nil : View(rawValue: $0) }
        ?? .place
      order = try parsed.value(sort, "bytes, name or pid") { MemoryOrder(rawValue: $0) }
      selection = try Selection(parsed)
      // Processes and cgroups are not objects: a selector would leave their sums meaningless.
      guard view == .place || (selection.selectsEverything && !unusedOnly) else {
        throw UsageError("selectors choose rows by place; not with '--by'", parsed.command)
      }
    } catch {
      console.errRaw(error.line + "\n")
      return .usage
    }
    let account = MemoryOrder.apply(
      order,
      to: SharedMemoryAccounting(
        context: parsed.context, cgroups: view == .container,
        allNamespaces: parsed.flag(allNamespaces), selection: selection, unusedOnly: unusedOnly
      ).account())
    let json = parsed.flag(SharedOptions.json)
    switch view {
    case .place: console.out(json ? MemoryRendering.json(account) : MemoryRendering.table(account))
    case .process:
      console.out(
        json
          ? MemoryRendering.processJSON(account, order)
          : MemoryRendering.processTable(account, order))
    case .container:
      console.out(
        json
          ? MemoryRendering.cgroupJSON(account, order) : MemoryRendering.cgroupTable(account, order)
      )
    }
    if !account.unreadable.isEmpty {
      console.error(MemoryRendering.unreadableNote(account.unreadable))
    }
    let unjoined = account.unreadNamespaces.map {
      ("namespace \($0.namespace) (\($0.container ?? "-"))", $0.code)
    }
    for line in NamespaceWording.everyNamespaceNotes(
      unreadableProcesses: account.namespaceUnreadableProcesses, unjoined: unjoined)
    {
      console.error(line)
    }
    return .success
  }
}
