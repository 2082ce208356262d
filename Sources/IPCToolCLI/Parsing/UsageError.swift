/// A command line that does not fit the description; exit status 2.
public struct UsageError: Error, Sendable {
  public var message: String
  public var commandPath: String

  init(_ message: String, _ command: CommandSpec?) {
    self.message = message
    self.commandPath = command.map { "ipctool \($0.name)" } ?? "ipctool"
  }

  /// One line: the problem, then where help is.
  public var line: String { "ipctool: \(message) (see '\(commandPath) --help')" }
}

/// ", did you mean 'x'?" when a known word is close to the typed one, else "".
func suggestion(for typed: String, among known: [String], quote prefix: String) -> String {
  let scored = known.map { ($0, editDistance(typed, $0)) }.min { $0.1 < $1.1 }
  guard let (best, distance) = scored, distance <= max(2, typed.count / 3) else { return "" }
  return "; did you mean '\(prefix)\(best)'?"
}

/// Levenshtein distance, for "did you mean".
func editDistance(_ a: String, _ b: String) -> Int {
  let left = Array(a.unicodeScalars)
  let right = Array(b.unicodeScalars)
  var previous = Array(0...right.count)
  for (i, x) in left.enumerated() {
    var current = [i + 1]
    for (j, y) in right.enumerated() {
      current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
    }
    previous = current
  }
  return previous[right.count]
}
