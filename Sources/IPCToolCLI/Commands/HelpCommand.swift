/// `ipctool help [SUBCOMMAND]`: the same text as `ipctool SUBCOMMAND --help`.
enum HelpCommand {
  static let spec = CommandSpec(
    name: "help",
    abstract: "Show help for a subcommand.",
    arguments: [
      ArgumentSpec(
        name: "subcommand", help: "The subcommand to explain; with none, the overview.",
        arity: .optional,
        values: .choices(
          CommandLineDescription.namedByHelp.filter { !$0.isHidden }.flatMap { command in
            ([command.name] + command.aliases).map { Choice(value: $0, summary: command.abstract) }
          }))
    ],
    examples: [
      Example(command: "ipctool help clean", explanation: "The options of clean, as clean --help.")
    ],
    run: { parsed, console in run(parsed, console) })

  static func run(_ parsed: ParsedArguments, _ console: Console) -> ExitStatus {
    let help = HelpRenderer(width: console.width)
    guard let word = parsed.positionals.first else {
      console.out(help.renderRoot(CommandLineDescription.root, CommandLineDescription.subcommands))
      return .success
    }
    guard let command = CommandLineDescription.subcommand(named: word) else {
      return IPCTool.unknownCommand(word, console)
    }
    console.out(help.render(command))
    return .success
  }
}
