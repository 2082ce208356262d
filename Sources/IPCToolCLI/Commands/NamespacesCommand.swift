import IPCKit

/// `ipctool namespaces`: every IPC namespace on the host, the container it is, and what it holds.
enum NamespacesCommand {
  static let spec = CommandSpec(
    name: "namespaces",
    aliases: ["ns"],
    abstract: "List every IPC namespace on the host, its container, its objects and its /dev/shm.",
    discussion: [
      "One row per IPC namespace that some process is in: its inode (as /proc/PID/ns/ipc"
        + " shows it), how many processes, its lowest pid and that process's command, the"
        + " container it belongs to (host for the initial namespace; else from /proc/PID/cgroup:"
        + " docker, podman, containerd, cri-o, a Kubernetes pod, or a systemd unit), how many"
        + " POSIX and System V objects it holds, their shared memory in bytes, and the size and use"
        + " of the /dev/shm that process sees (a container's is 64 MB by default).",
      "Reading another namespace's objects joins it (setns, which needs CAP_SYS_ADMIN) and reads"
        + " /proc/PID/root (which needs ptrace access): as another user, what cannot be read shows"
        + " as '?'. Use 'ipctool list --target PID' for one namespace's objects.",
      "A /dev/shm that is not a tmpfs, as that process's mount table shows (a disk folder, a"
        + " FUSE or network mount), is not read and never entered: its counts show as '?' and"
        + " stderr says why (see TRUST MODEL in the man page).",
    ],
    options: [SharedOptions.json],
    examples: [
      Example(command: "ipctool namespaces", explanation: "Which container holds what, and whose /dev/shm is full."),
    ],
    run: { parsed, console in run(parsed, console) })

  static func run(_ parsed: ParsedArguments, _ console: Console) -> ExitStatus {
    let survey = NamespaceCensus.survey(parsed.context)
    let namespaces = survey.namespaces
    if survey.unreadableProcesses > 0 {
      console.error(NamespaceWording.unreadableProcesses(survey.unreadableProcesses))
    }
    if parsed.flag(SharedOptions.json) {
      console.out(JSON.document("namespaces", namespaces.map(json)))
      return .success
    }
    let headers = ["NAMESPACE", "PROCS", "PID", "COMMAND", "CONTAINER", "POSIX", "SYSV", "SHM", "/DEV/SHM", "USED", "USE%"]
    let rows = namespaces.map { namespace -> [String] in
      let counts = namespace.counts
      func family(_ kinds: [IPCKind]) -> String {
        guard let counts else { return "?" }
        let known = kinds.compactMap { counts[$0] }
        return known.count == kinds.count ? String(known.reduce(0, +)) : "?"
      }
      let percent = namespace.shmSize.flatMap { size in
        namespace.shmUsed.map { size == 0 ? "-" : PiCommand.format(Double($0) * 100 / Double(size), "%.0f%%") }
      }
      return [
        String(namespace.inode), String(namespace.processes), String(namespace.representative.pid),
        namespace.representative.shortCommand, namespace.container ?? "-",
        family([.posixQueue, .posixSharedMemory, .posixSemaphore]),
        family([.sysvQueue, .sysvSharedMemory, .sysvSemaphore]),
        namespace.sharedMemoryBytes.map(ByteSize.human) ?? "?", namespace.shmSize.map(ByteSize.human) ?? "?",
        namespace.shmUsed.map(ByteSize.human) ?? "?", percent ?? "?",
      ]
    }
    console.out(simpleTable(headers, rows))
    for namespace in namespaces {
      for note in namespace.notes { console.error("namespace \(namespace.inode): \(note.sentence)") }
    }
    return .success
  }

  static func json(_ namespace: IPCNamespaceSummary) -> JSON {
    let objects: JSON =
      namespace.counts.map { counts in
        .object(IPCKind.allCases.sorted().map { ($0.rawValue, .number(counts[$0])) })
      } ?? .null
    return .object([
      ("inode", .number(namespace.inode)), ("processes", .number(namespace.processes)),
      ("pid", .number(namespace.representative.pid)),
      ("command", .string(namespace.representative.command)),
      ("container", .string(namespace.container)), ("host", .bool(namespace.container == "host")),
      ("objects", objects), ("shared_memory_bytes", .number(namespace.sharedMemoryBytes)),
      ("dev_shm_size", .number(namespace.shmSize)), ("dev_shm_used", .number(namespace.shmUsed)),
    ])
  }
}
