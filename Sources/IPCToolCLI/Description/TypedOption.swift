import IPCKit

/// An option the command reads as a `Value`: its description (`spec`: help, the man page and
/// completion show it), what a value looks like, and how a typed word becomes one, in one
/// place, so no command converts a string again.
struct TypedOption<Value: Sendable>: Sendable {
  var spec: OptionSpec
  /// How a typed word becomes a value; nil for a word that is none.
  var read: @Sendable (String) -> Value?
  /// The usage error's message for a word `read` refused.
  var problem: @Sendable (String) -> String

  /// `expected` completes "invalid value 'x' for '--mode': expected ..." (an octal mode such
  /// as 0640).
  init(_ spec: OptionSpec, expected: String, read: @escaping @Sendable (String) -> Value?) {
    self.spec = spec
    self.read = read
    problem = { "invalid value '\(printable($0))' for '--\(spec.long)': expected \(expected)" }
  }

  init(
    _ spec: OptionSpec, read: @escaping @Sendable (String) -> Value?,
    problem: @escaping @Sendable (String) -> String
  ) {
    self.spec = spec
    self.read = read
    self.problem = problem
  }
}

/// A typed option with the value the command uses when none is typed. Help shows `shown`,
/// which reads back as that value (OptionValueTests).
struct DefaultedOption<Value: Sendable>: Sendable {
  var typed: TypedOption<Value>
  var defaultValue: Value

  init(_ typed: TypedOption<Value>, default value: Value, shown: String) {
    self.typed = typed
    self.typed.spec.defaultValue = shown
    defaultValue = value
  }

  var spec: OptionSpec { typed.spec }
}

extension ParsedArguments {
  /// The value typed last, read; nil when none was typed; a usage error for a word that is
  /// no value.
  func value<Value>(_ option: TypedOption<Value>) throws(UsageError) -> Value? {
    guard let text = typed(option.spec) else { return nil }
    guard let value = option.read(text) else { throw UsageError(option.problem(text), command) }
    return value
  }

  /// The value typed last, read, or else the option's default.
  func value<Value>(_ option: DefaultedOption<Value>) throws(UsageError) -> Value {
    try value(option.typed) ?? option.defaultValue
  }
}
