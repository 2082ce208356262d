import IPCKit

/// `ipctool completions bash|zsh|fish`: prints the completion script for a shell.
enum CompletionsCommand {
  static let shells: [Choice] = [
    Choice(value: "bash", summary: "for bash (bash-completion's completions directory)"),
    Choice(value: "zsh", summary: "for zsh (a directory in $fpath, as _ipctool)"),
    Choice(value: "fish", summary: "for fish (vendor_completions.d)"),
  ]

  static let spec = CommandSpec(
    name: "completions",
    abstract: "Print the shell completion script for bash, zsh or fish.",
    discussion: [
      "The scripts complete subcommands, options and their values, and the names and"
        + " references of the objects that exist when TAB is pressed.",
      "Where more than 200 objects match the word, TAB offers groups instead: the longest"
        + " prefixes that keep them to 200, each as long as what its objects share, with how many"
        + " it holds ('/bench_shm_1  412 matches, type more'). bash and zsh add no space after a"
        + " group; type on and press TAB again.",
    ],
    arguments: [
      ArgumentSpec(name: "shell", help: "The shell.", arity: .required, values: .choices(shells))
    ],
    examples: [
      Example(command: "source <(ipctool completions bash)", explanation: "Completion in this bash."),
      Example(
        command: "ipctool completions fish > ~/.config/fish/completions/ipctool.fish",
        explanation: "Completion in every new fish."),
    ],
    run: { parsed, console in run(parsed, console) })

  static func run(_ parsed: ParsedArguments, _ console: Console) -> ExitStatus {
    let commands = CommandLineDescription.subcommands.filter { !$0.isHidden }
    switch parsed.positionals[0] {
    case "bash": console.out(BashCompletion(commands: commands).script)
    case "zsh": console.out(ZshCompletion(commands: commands).script)
    case "fish": console.out(FishCompletion(commands: commands).script)
    default:
      let word = parsed.positionals[0]
      let error = UsageError(
        "unknown shell '\(printable(word))' (expected bash, zsh or fish)"
          + suggestion(for: word, among: ["bash", "zsh", "fish"], quote: ""), parsed.command)
      console.errRaw(error.line + "\n")
      return .usage
    }
    return .success
  }
}
