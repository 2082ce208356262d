/// The whole command line: the top level and every subcommand, in the order help lists them.
public enum CommandLineDescription {
  public static let version = "0.1.0"

  public static let root = CommandSpec(
    name: "",
    abstract: "Create, list, inspect and remove Linux IPC objects of every kind.",
    discussion: [
      "Kinds: posix-mq, sysv-mq, posix-shm, sysv-shm, posix-sem, sysv-sem. Groups: posix, sysv,"
        + " mq, shm, sem, all. An object is named by /name, KIND:/name, KIND:ID or KIND:0xKEY."
    ],
    options: [OptionSpec("version", help: "Show the version.")],
    examples: [
      Example(command: "ipctool list", explanation: "Every IPC object, all six kinds."),
      Example(command: "ipctool inspect /jobs", explanation: "All the kernel tells about /jobs."),
    ])

  /// The date of this description, shown in the man page's title line.
  public static let date = "2026-11-29"

  /// Every subcommand, in the order help lists them.
  public static let subcommands: [CommandSpec] = namedByHelp + [HelpCommand.spec]

  /// The subcommands `help` can name: all but itself (whose own description lists these).
  static let namedByHelp: [CommandSpec] = [
    ListCommand.spec, InspectCommand.spec, CreateCommand.spec, UnlinkCommand.spec,
    SendCommand.spec,
    ReceiveCommand.spec,
    DumpCommand.spec,
    PostCommand.spec,
    WaitCommand.spec,
    PeekCommand.spec,
    SetCommand.spec,
    CleanCommand.spec, NamespacesCommand.spec, PiCommand.spec, LimitsCommand.spec, CompletionsCommand.spec,
    TraceCommand.spec,
    WhyCommand.spec,
    CompleteCallback.spec, ManPageCommand.spec,
    MemoryCommand.spec, MetricsCommand.spec,
    WatchCommand.spec,
  ]

  /// The subcommand a word names, by name or alias.
  static func subcommand(named word: String) -> CommandSpec? {
    subcommands.first { $0.name == word || $0.aliases.contains(word) }
  }
}
