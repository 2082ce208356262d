import IPCKit

/// What the user typed for one command, checked against its description.
public struct ParsedArguments: Sendable {
  public var command: CommandSpec
  /// Values by long option name; flags have one empty value per use.
  public var options: [String: [String]] = [:]
  public var positionals: [String] = []
  /// What `--target PID` opened in the target (its verified /dev/shm); nil without it.
  public var target: IPCContext?

  /// Where the command works: the target's context, or the caller's own. Made anew at each
  /// use: a command reads it once and passes it on.
  public var context: IPCContext { target ?? .fromEnvironment() }

  // Options are read through their descriptions, never by spelling a name again: what help
  // shows (the name, the default) is what the command reads.

  /// Whether a flag was given.
  public func flag(_ option: OptionSpec) -> Bool { options[option.long] != nil }

  /// The value typed last, or nil: no default.
  public func typed(_ option: OptionSpec) -> String? { options[option.long]?.last }

  /// Every value typed for a repeatable option, in order.
  public func values(_ option: OptionSpec) -> [String] { options[option.long] ?? [] }

  /// The value typed, or else the option's default, converted by `convert`; a usage error names
  /// the option. Nil when neither was given.
  func value<T>(_ option: OptionSpec, _ expected: String, _ convert: (String) -> T?)
    throws(UsageError) -> T?
  {
    guard let text = typed(option) ?? option.defaultValue else { return nil }
    guard let converted = convert(text) else {
      throw UsageError(
        "invalid value '\(printable(text))' for '--\(option.long)': expected \(expected)", command)
    }
    return converted
  }

  /// The kinds that `--kind` selects (every kind when absent).
  func selectedKinds(default all: Set<IPCKind> = Set(IPCKind.allCases)) throws(UsageError)
    -> Set<IPCKind>
  {
    let words = values(SharedOptions.kind).flatMap { $0.split(separator: ",").map(String.init) }
    guard !words.isEmpty else { return all }
    var kinds: Set<IPCKind> = []
    for word in words {
      guard let selected = IPCKindGroup.kinds(named: word) else {
        throw UsageError(
          "unknown kind '\(printable(word))' for '--kind'"
            + suggestion(for: word, among: IPCKindGroup.allWords, quote: ""),
          command)
      }
      kinds.formUnion(selected)
    }
    return kinds
  }
}
