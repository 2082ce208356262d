/// `--help` text in the shape swift-argument-parser prints: OVERVIEW, USAGE, ARGUMENTS,
/// OPTIONS, SUBCOMMANDS, plus EXAMPLES.
struct HelpRenderer {
  let width: Int

  func render(_ command: CommandSpec) -> String {
    var text = "OVERVIEW: " + wrap(command.abstract, width: width - 10).joined(separator: "\n") + "\n"
    for paragraph in command.discussion {
      text += "\n" + wrap(paragraph, width: width).joined(separator: "\n") + "\n"
    }
    let usageLines = wrap(Self.usage(command), width: width - 7)
    text += "\nUSAGE: " + usageLines.joined(separator: "\n       ") + "\n"
    if !command.arguments.isEmpty {
      text += "\nARGUMENTS:\n"
      for argument in command.arguments {
        text += labelled("<\(argument.name)>", argument.help + Self.choicesText(argument.values), width: width)
      }
    }
    text += "\nOPTIONS:\n"
    for option in command.allOptions {
      text += labelled(Self.label(option), Self.helpText(option), width: width)
    }
    if !command.examples.isEmpty {
      text += "\nEXAMPLES:\n"
      for example in command.examples {
        text += "  \(example.command)\n"
        text += wrap(example.explanation, width: width - 6).map { "      " + $0 }.joined(separator: "\n") + "\n"
      }
    }
    return text
  }

  /// The top level: the subcommands and where to read more.
  func renderRoot(_ root: CommandSpec, _ subcommands: [CommandSpec]) -> String {
    var text = "OVERVIEW: " + wrap(root.abstract, width: width - 10).joined(separator: "\n") + "\n"
    for paragraph in root.discussion {
      text += "\n" + wrap(paragraph, width: width).joined(separator: "\n") + "\n"
    }
    text += "\nUSAGE: ipctool <subcommand>\n\nOPTIONS:\n"
    for option in root.allOptions {
      text += labelled(Self.label(option), Self.helpText(option), width: width)
    }
    text += "\nSUBCOMMANDS:\n"
    for command in subcommands where !command.isHidden {
      let names = ([command.name] + command.aliases).joined(separator: ", ")
      text += labelled(names, command.abstract, width: width)
    }
    if !root.examples.isEmpty {
      text += "\nEXAMPLES:\n"
      for example in root.examples {
        text += "  \(example.command)\n"
        text += wrap(example.explanation, width: width - 6).map { "      " + $0 }.joined(separator: "\n") + "\n"
      }
    }
    text += "\n  See 'ipctool help <subcommand>' for detailed help.\n"
    return text
  }

  /// "ipctool list [--kind <kind> ...] [--json]".
  static func usage(_ command: CommandSpec) -> String {
    var parts = ["ipctool", command.name]
    for argument in command.arguments {
      switch argument.arity {
      case .required: parts.append("<\(argument.name)>")
      case .optional: parts.append("[<\(argument.name)>]")
      case .oneOrMore: parts.append("<\(argument.name)> ...")
      case .zeroOrMore: parts.append("[<\(argument.name)> ...]")
      }
    }
    for option in command.options {
      let value = option.valueName.map { " <\($0)>" } ?? ""
      parts.append("[--\(option.long)\(value)\(option.isRepeatable ? " ..." : "")]")
    }
    return parts.joined(separator: " ")
  }

  static func label(_ option: OptionSpec) -> String {
    let names = (option.short.map { "-\($0), " } ?? "") + "--" + option.long
    return names + (option.valueName.map { " <\($0)>" } ?? "")
  }

  static func helpText(_ option: OptionSpec) -> String {
    var text = option.help + choicesText(option.values)
    if let value = option.defaultValue ?? option.defaultDescription { text += " (default: \(value))" }
    return text
  }

  /// " (values: a, b, c)" for a fixed list.
  static func choicesText(_ values: ValueSource) -> String {
    guard case .choices(let choices) = values else { return "" }
    return " (values: \(choices.map(\.value).joined(separator: ", ")))"
  }
}
