import CIPCShims
import Glibc
import IPCKit

/// The command-line tool: parses the arguments, runs a subcommand, returns the exit status.
public enum IPCTool {
  /// Runs one command line (without the program name) and returns its exit status.
  public static func run(_ arguments: [String], console: Console = .standard()) -> ExitStatus {
    let help = HelpRenderer(width: console.width)
    let root = CommandLineDescription.root
    // No subcommand is a usage error, one line as every other one, so that a script that lost
    // its arguments fails instead of reading help as output.
    guard let first = arguments.first else {
      console.errRaw(UsageError("no subcommand given", nil).line + "\n")
      return .usage
    }
    switch first {
    case "-h", "--help":
      console.out(help.renderRoot(root, CommandLineDescription.subcommands))
      return .success
    case "-V", "--version":  // -V as util-linux tools spell it
      console.out("ipctool \(CommandLineDescription.version)\n")
      return .success
    default:
      guard let command = CommandLineDescription.subcommand(named: first) else {
        return unknownCommand(first, console)
      }
      do {
        var parsed = try ArgumentParser(command: command).parse(Array(arguments.dropFirst()))
        if parsed.flag(.help) {
          console.out(help.render(command))
          return .success
        }
        // Before anything else, and before any thread starts: threads join with the one that
        // starts them.
        if command.options.contains(where: { $0.long == SharedOptions.target.long }),
          let pid = try parsed.value(SharedOptions.target, "a process id", { pid_t($0).flatMap { $0 > 0 ? $0 : nil } })
        {
          do throws(TargetError) {
            // Its /dev/shm opened once, inside its root, and handed to the command; a queue
            // directory named for the caller's namespace is not the target's: queues are read
            // through a mount made in the target's.
            parsed.target = try TargetNamespace.enter(pid)
          } catch {
            console.error(error.line)
            return .failure
          }
        }
        return command.run?(parsed, console) ?? .success
      } catch {
        console.errRaw(error.line + "\n")
        return .usage
      }
    }
  }

  /// The entry point of the `ipctool` executable.
  public static func main() -> Never {
    let console = Console.standard()
    var status = run(commandLineWords(), console: console)
    // Output that did not reach its file is a failure, said once, as coreutils say it.
    if let failure = console.outputFailure {
      console.error("write error: \(failure)")
      if status == .success { status = .failure }
    }
    exit(status.rawValue)
  }

  /// The arguments after the program name, from the bytes the kernel passed, with nothing
  /// lost: a byte that is not valid UTF-8 becomes `\xHH`, which names that same byte.
  static func commandLineWords() -> [String] {
    ProcessArguments.afterProgramName.map(Escaping.word(fromArgument:))
  }

  static func unknownCommand(_ word: String, _ console: Console) -> ExitStatus {
    let isOption = word.hasPrefix("-")
    // An option is compared with the options there are at this level, not with subcommands.
    let names = isOption ? ["--help", "--version"] : CommandLineDescription.subcommands.filter { !$0.isHidden }.map(\.name)
    let error = UsageError(
      "unknown \(isOption ? "option" : "subcommand") '\(printable(word))'"
        + suggestion(for: word, among: names, quote: ""), nil)
    console.errRaw(error.line + "\n")
    return .usage
  }
}
