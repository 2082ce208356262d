import Glibc

/// The selectors objects are chosen by, combined with AND: kinds, a name prefix, an owner, and
/// for `clean` also an age, keys and explicit references. `list SELECTORS` shows what
/// `clean SELECTORS --dry-run` weighs: both read this one type.
public struct Selection: Sendable {
  public var kinds: Set<IPCKind>
  /// Whether the kinds leave some out by choice (a prefix leaves out System V too, but that
  /// is no choice of kind).
  public var kindsNarrow = false
  /// The name's first bytes, with its leading slash.
  public var prefix: [UInt8]?
  public var owner: uid_t?
  /// Seconds since the last activity.
  public var olderThan: Int?
  public var keys: [Int32] = []
  public var references: [IPCReference] = []

  public init(kinds: Set<IPCKind> = Set(IPCKind.allCases)) {
    self.kinds = kinds
  }

  /// True when nothing narrows the selection: `clean` refuses that without --all. A prefix of
  /// just "/" (what `--prefix "$UNSET"` gives) narrows nothing either.
  public var selectsEverything: Bool {
    !kindsNarrow && !prefixNarrows && owner == nil && olderThan == nil && keys.isEmpty
      && references.isEmpty
  }

  /// True when no selector names objects (a name, prefix, key or reference): all, kinds,
  /// owners and ages select whatever happens to match. Clean is more careful then.
  public var namesNoObject: Bool { !prefixNarrows && keys.isEmpty && references.isEmpty }

  private var prefixNarrows: Bool { prefix.map { $0 != [UInt8(ascii: "/")] } ?? false }

  /// A name prefix can only match named objects, and pi runs' System V objects (see
  /// `PiRunKeys`): the other System V kinds are left out.
  public mutating func narrowKindsToPrefix() {
    if let prefix, !PiRunKeys.prefixMayName(prefix) { kinds = kinds.filter(\.isNamed) }
  }

  /// Whether every selector accepts `object`; `now` is the clock's time (ages).
  public func matches(_ object: IPCObjectInfo, now: Int) -> Bool {
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
