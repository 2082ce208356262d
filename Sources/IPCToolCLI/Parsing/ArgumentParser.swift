import IPCKit

/// Splits a command line by the description: `--opt value`, `--opt=value`, `-abc`, `--`.
struct ArgumentParser {
  let command: CommandSpec

  func parse(_ words: [String]) throws(UsageError) -> ParsedArguments {
    var parsed = ParsedArguments(command: command)
    var rest = words[...]
    var optionsEnded = false
    while let word = rest.popFirst() {
      if optionsEnded || word == "-" || !word.hasPrefix("-") {
        parsed.positionals.append(word)
      } else if word == "--" {
        optionsEnded = true
      } else if word.hasPrefix("--") {
        let body = word.dropFirst(2)
        let parts = body.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let long = String(parts[0])
        guard let option = command.option(long: long) else {
          throw UsageError(
            "unknown option '--\(printable(long))'"
              + suggestion(for: long, among: command.allOptions.map(\.long), quote: "--"),
            command)
        }
        let inline = parts.count == 2 ? String(parts[1]) : nil
        try take(option, inline: inline, rest: &rest, into: &parsed)
      } else {
        try parseShortCluster(word.dropFirst(), rest: &rest, into: &parsed)
      }
    }
    if !parsed.flag(.help) { try checkPositionals(parsed.positionals) }
    return parsed
  }

  /// `-bn` is two flags; `-kposix` and `-k posix` give a value.
  private func parseShortCluster(
    _ letters: Substring, rest: inout ArraySlice<String>, into parsed: inout ParsedArguments
  ) throws(UsageError) {
    var remaining = letters
    while let letter = remaining.popFirst() {
      guard let option = command.allOptions.first(where: { $0.short == letter }) else {
        throw UsageError("unknown option '-\(printable(String(letter)))'", command)
      }
      if option.isFlag {
        try take(option, inline: nil, rest: &rest, into: &parsed)
      } else {
        try take(option, inline: remaining.isEmpty ? nil : String(remaining), rest: &rest,
          into: &parsed)
        return
      }
    }
  }

  private func take(
    _ option: OptionSpec, inline: String?, rest: inout ArraySlice<String>,
    into parsed: inout ParsedArguments
  ) throws(UsageError) {
    if parsed.options[option.long] != nil && !option.isRepeatable && option.long != "help" {
      throw UsageError("option '--\(option.long)' given more than once", command)
    }
    if option.isFlag {
      guard inline == nil else {
        throw UsageError("option '--\(option.long)' takes no value", command)
      }
      parsed.options[option.long, default: []].append("")
      return
    }
    guard let value = inline ?? rest.popFirst() else {
      throw UsageError(
        "option '--\(option.long)' needs a value <\(option.valueName ?? "value")>", command)
    }
    parsed.options[option.long, default: []].append(value)
  }

  private func checkPositionals(_ positionals: [String]) throws(UsageError) {
    let required = command.arguments.filter { $0.arity == .required || $0.arity == .oneOrMore }
    let unbounded = command.arguments.contains { $0.arity == .oneOrMore || $0.arity == .zeroOrMore }
    if positionals.count < required.count {
      let missing = required[positionals.count]
      throw UsageError("missing argument <\(missing.name)>", command)
    }
    if !unbounded && positionals.count > command.arguments.count {
      let extra = positionals[command.arguments.count]
      throw UsageError("unexpected argument '\(printable(extra))'", command)
    }
  }
}
