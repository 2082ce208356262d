import IPCKit

/// What the user typed for one command, checked against its description.
public struct ParsedArguments: Sendable {
  public var command: CommandSpec
  /// Values by long option name; flags have one empty value per use.
  public var options: [String: [String]] = [:]
  public var positionals: [String] = []

  public func flag(_ long: String) -> Bool { options[long] != nil }

  public func value(_ long: String) -> String? { options[long]?.last }

  public func values(_ long: String) -> [String] { options[long] ?? [] }

  /// An option's value converted by `convert`, or a usage error naming the option.
  func value<T>(_ long: String, _ expected: String, _ convert: (String) -> T?) throws(UsageError)
    -> T?
  {
    guard let text = value(long) else { return nil }
    guard let converted = convert(text) else {
      throw UsageError(
        "invalid value '\(printable(text))' for '--\(long)': expected \(expected)", command)
    }
    return converted
  }

  /// The kinds that `--kind` selects (every kind when absent).
  func selectedKinds(default all: Set<IPCKind> = Set(IPCKind.allCases)) throws(UsageError)
    -> Set<IPCKind>
  {
    let words = values("kind").flatMap { $0.split(separator: ",").map(String.init) }
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
