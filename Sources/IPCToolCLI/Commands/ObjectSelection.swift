import Glibc
import IPCKit

/// The selectors objects are chosen by, combined with AND: `--kind`, `--prefix`, `--owner`,
/// and for `clean` also `--older-than`, `--key` and explicit references.
struct ObjectSelection {
  var kinds: Set<IPCKind>
  /// Whether --kind left some kinds out (a prefix leaves out System V too, but that is no
  /// choice of kind).
  private var kindsNarrow = false
  var prefix: [UInt8]?  // the name's first bytes, with its leading slash
  var owner: uid_t?
  var olderThan: Int?  // seconds since the last activity
  var keys: [Int32] = []
  var references: [IPCReference] = []

  /// True when nothing narrows the selection: `clean` refuses that without --all. A prefix of
  /// just "/" (what `--prefix "$UNSET"` gives) narrows nothing either.
  var selectsEverything: Bool {
    let prefixNarrows = prefix.map { $0 != [UInt8(ascii: "/")] } ?? false
    return !kindsNarrow && !prefixNarrows && owner == nil && olderThan == nil && keys.isEmpty
      && references.isEmpty
  }

  /// True when no selector names objects (a name, prefix, key or reference): `--all`,
  /// `--kind`, `--owner` and ages select whatever happens to match. Clean is more careful then.
  var namesNoObject: Bool {
    let prefixNarrows = prefix.map { $0 != [UInt8(ascii: "/")] } ?? false
    return !prefixNarrows && keys.isEmpty && references.isEmpty
  }

  init(_ parsed: ParsedArguments) throws(UsageError) {
    kinds = try parsed.selectedKinds()
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
    // A name prefix can only match named objects, and pi runs' System V objects (see
    // PiRunKeys): leave the other System V kinds out.
    if let prefix, !PiRunKeys.prefixMayName(prefix) { kinds = kinds.filter(\.isNamed) }
  }

  func matches(_ object: IPCObjectInfo, now: Int = time(nil)) -> Bool {
    guard kinds.contains(object.kind) else { return false }
    // Bytes, not Characters: names are compared as the kernel stores them.
    if let prefix {
      guard let name = object.name?.bytes ?? PiRunKeys.name(of: object), name.starts(with: prefix)
      else { return false }
    }
    if let owner, object.uid != owner { return false }
    if let olderThan {
      guard let last = object.knownLastActivity, now - last >= olderThan else { return false }
    }
    if !keys.isEmpty && !(object.key.map(keys.contains) ?? false) { return false }
    if !references.isEmpty && !references.contains(where: { $0.matches(object) }) { return false }
    return true
  }
}
