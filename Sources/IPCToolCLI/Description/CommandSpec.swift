/// One command of the one description that drives parsing, help, the man page and completions.
public struct CommandSpec: Sendable {
  public var name: String
  public var aliases: [String] = []
  /// One sentence: help's OVERVIEW, the man page's summary, the completion's description.
  public var abstract: String
  /// Paragraphs after the overview in help and the man page.
  public var discussion: [String] = []
  public var arguments: [ArgumentSpec] = []
  public var options: [OptionSpec] = []
  public var examples: [Example] = []
  /// Hidden commands (such as the completion callback) are parsed but never advertised.
  public var isHidden = false
  /// Where it finds work to do; nil for the top level, which only dispatches.
  public var run: (@Sendable (ParsedArguments, Console) -> ExitStatus)?

  /// The option named by a long name, or nil.
  func option(long: String) -> OptionSpec? {
    allOptions.first { $0.long == long || $0.formerSpellings.contains(long) }
  }

  /// The command's own options and the ones every command has.
  public var allOptions: [OptionSpec] { options + [.help] }
}

public struct Example: Sendable {
  public var command: String
  public var explanation: String
}

/// An option: `--long`, an optional `-s`, and a value unless it is a flag.
public struct OptionSpec: Sendable {
  public var long: String
  public var short: Character?
  /// The value's name in help (`<kind>`); nil for a flag.
  public var valueName: String?
  public var help: String
  /// The value the command uses when none is typed: help shows it and the command reads it.
  public var defaultValue: String?
  /// For help only, where the default is no fixed value ("the number of workers").
  public var defaultDescription: String?
  public var isRepeatable = false
  public var values: ValueSource = .none
  /// Older spellings still accepted, and not shown: scripts written for them keep working.
  public var formerSpellings: [String] = []
  /// The value is a comma-separated list of the choices ("sysv,posix-mq"): completion offers
  /// the next one after a comma.
  public var isCommaList = false

  public init(
    _ long: String, short: Character? = nil, value valueName: String? = nil, help: String,
    default defaultValue: String? = nil, defaultDescription: String? = nil,
    repeatable: Bool = false, values: ValueSource = .none, commaList: Bool = false
  ) {
    self.isCommaList = commaList
    self.long = long
    self.short = short
    self.valueName = valueName
    self.help = help
    self.defaultValue = defaultValue
    self.defaultDescription = defaultDescription
    self.isRepeatable = repeatable
    self.values = values
  }

  public var isFlag: Bool { valueName == nil }

  static let help = OptionSpec("help", short: "h", help: "Show help information.")
}

/// A positional argument.
public struct ArgumentSpec: Sendable {
  public enum Arity: Sendable { case required, optional, oneOrMore, zeroOrMore }
  public var name: String
  public var help: String
  public var arity: Arity
  public var values: ValueSource = .none
}

/// Where the values of an option or argument come from, for help and completion.
public enum ValueSource: Sendable, Equatable {
  case none
  /// A fixed list, each with a description.
  case choices([Choice])
  /// References of the objects that exist now (completed by calling back into the binary).
  case references
  /// POSIX names of existing objects, for `--prefix`.
  case names
  case users
  /// Process ids, offered with their commands.
  case processes
  case number
}

public struct Choice: Sendable, Equatable {
  public var value: String
  public var summary: String
}

/// How a command ended: 0 success, 1 a failure on some object, 2 a usage error, 128 + N when
/// stopped by signal N (after cleaning up).
public enum ExitStatus: Equatable, Sendable {
  case success
  case failure
  case usage
  case signaled(Int32)

  public var rawValue: Int32 {
    switch self {
    case .success: 0
    case .failure: 1
    case .usage: 2
    case .signaled(let signal): 128 + signal
    }
  }
}
