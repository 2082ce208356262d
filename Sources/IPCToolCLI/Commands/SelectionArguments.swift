import Glibc
import IPCKit

extension Selection {
  /// The selectors typed: `--kind`, `--prefix`, `--owner`, and for `clean` also
  /// `--older-than`/`--idle`, `--key` and explicit references.
  init(_ parsed: ParsedArguments) throws(UsageError) {
    self.init(kinds: try parsed.selectedKinds())
    kindsNarrow = kinds.count < IPCKind.allCases.count
    if let text = parsed.typed(SharedOptions.prefix) {
      // Escaped like the names list prints ("\xff"), so a printed name's start selects it.
      do {
        let bytes = try Escaping.unescape(text)
        prefix = bytes.first == UInt8(ascii: "/") ? bytes : [UInt8(ascii: "/")] + bytes
      } catch {
        throw UsageError("invalid value for '--prefix': \(error)", parsed.command)
      }
    }
    owner = try parsed.value(SharedOptions.owner, "a user name or uid", UserNames.uid(of:))
    let age = "an age such as 30s, 10m, 2h or 7d"
    olderThan = try parsed.value(SharedOptions.olderThan, age, AgeText.seconds)
    if let idle = try parsed.value(SharedOptions.idle, age, AgeText.seconds) {
      guard olderThan == nil || olderThan == idle else {
        throw UsageError("'--idle' and '--older-than' say the same; give one", parsed.command)
      }
      olderThan = idle
    }
    for text in parsed.values(SharedOptions.key) {
      guard let key = CreateCommand.parseKey(text) else {
        throw UsageError(
          "invalid value '\(printable(text))' for '--key': expected a key such as 0x1e240", parsed.command)
      }
      keys.append(key)
    }
    if parsed.command.arguments.contains(where: { $0.values == .references }) {
      references = try parseReferences(parsed)
    }
    narrowKindsToPrefix()
  }
}
