import IPCKit

/// `ipctool metrics`: the snapshot as Prometheus metrics, on stdout or as a file for the node
/// exporter's textfile collector.
enum MetricsCommand {
  static let spec = CommandSpec(
    name: "metrics",
    abstract: "Print Prometheus metrics of the IPC objects, the kernel limits and /dev/shm.",
    discussion: [
      "The Prometheus text exposition format, every metric a gauge named ipctool_*: per kind and"
        + " owner, objects, bytes of shared memory, messages and bytes queued, processes using"
        + " them, objects no process uses and the age of the oldest of those, objects whose"
        + " users could not be read (an unreadable process may hold them) (not for System V"
        + " queues and semaphore sets, whose users the kernel does not record); each kernel limit"
        + " and its use (as limits shows them, +Inf for none); the size and use of /dev/shm;"
        + " ipctool_scrape_duration_seconds and ipctool_scrape_errors (kinds or namespaces not"
        + " read; stderr says which). Label values are escaped as list shows names.",
      "--textfile DIR writes DIR/ipctool.prom for the node exporter's textfile collector"
        + " (--collector.textfile.directory): a temporary file in DIR, flushed and renamed over"
        + " the old one, so the exporter never reads half a file. A DIR that cannot be written"
        + " is one line on stderr, exit status 1.",
      "The series are a handful per kind, owner and namespace however many objects there are."
        + " --per-object adds three per object (ipctool_object_bytes, _users, _idle_seconds,"
        + " labeled with the object's reference): unsafe on a large host, where tens of"
        + " thousands of objects make as many series in Prometheus.",
      "-A needs CAP_SYS_ADMIN (to join each namespace), CAP_SYS_PTRACE (to find them in /proc)"
        + " and CAP_DAC_READ_SEARCH (to see other users' processes holding objects) and nothing"
        + " else: contrib/systemd runs it each minute with those, and"
        + " contrib/kubernetes/ipctool-metrics.yaml as a DaemonSet on every node. Processes whose"
        + " namespace it may not read are counted in ipctool_namespace_unreadable_processes: the"
        + " namespaces only they are in are missing.",
    ],
    options: [SharedOptions.target, allNamespaces, perObject, textfile],
    examples: [
      Example(command: "ipctool metrics", explanation: "The metrics of this IPC namespace."),
      Example(
        command: "ipctool metrics -A --textfile /var/lib/prometheus/node-exporter",
        explanation: "Every namespace's, for the node exporter to serve."),
    ],
    run: { parsed, console in run(parsed, console) })

  static let allNamespaces = OptionSpec(
    "all-namespaces", short: "A",
    help: "The metrics of every IPC namespace on the host (containers'), labeled namespace and"
      + " container; needs root.")

  static let perObject = OptionSpec(
    "per-object",
    help: "Add series for each object: unsafe on large hosts (one series per object).")

  static let textfile = OptionSpec(
    "textfile", value: "dir",
    help: "Write DIR/ipctool.prom atomically, for the node exporter's textfile collector.")

  /// The file the textfile collector reads (it reads every *.prom in its folder).
  static let fileName = "ipctool.prom"

  static func run(_ parsed: ParsedArguments, _ console: Console) -> ExitStatus {
    let everywhere = parsed.flag(allNamespaces)
    if everywhere && parsed.typed(SharedOptions.target) != nil {
      console.errRaw(
        UsageError("'--all-namespaces' and '--target' cannot be combined", parsed.command).line
          + "\n")
      return .usage
    }
    let result = MetricsScrape(perObject: parsed.flag(perObject))
      .read(parsed.context, allNamespaces: everywhere)
    let unjoined = result.unjoined.map { (NamespaceWording.label($0.namespace), $0.code) }
    for line in NamespaceWording.everyNamespaceNotes(
      unreadableProcesses: result.unreadableProcesses ?? 0, unjoined: unjoined)
    {
      console.error(line)
    }
    for (namespace, gap) in result.gaps {
      console.error((namespace.map { "namespace \($0.inode): " } ?? "") + gap.sentence)
    }
    let text = MetricsText.render(result.families)
    guard let directory = parsed.typed(textfile) else {
      console.out(text)
      return .success
    }
    do {
      try AtomicFile.replace(fileName, in: directory, with: Array(text.utf8))
    } catch {
      console.error("--textfile \(Escaping.escape(directory)): \(error.code)")
      return .failure
    }
    return .success
  }
}
