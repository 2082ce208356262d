import Glibc
import IPCKit

/// The filters `--kind`, `--prefix` and `--owner` select objects by.
struct ObjectSelection {
  var kinds: Set<IPCKind>
  var prefix: String?  // with its leading slash
  var owner: uid_t?

  init(_ parsed: ParsedArguments) throws(UsageError) {
    kinds = try parsed.selectedKinds()
    prefix = parsed.value("prefix").map { $0.hasPrefix("/") ? $0 : "/" + $0 }
    owner = try parsed.value("owner", "a user name or uid", UserNames.uid(of:))
    // A name prefix can only match named objects: leave the System V kinds out.
    if prefix != nil { kinds = kinds.filter(\.isNamed) }
  }

  func matches(_ object: IPCObjectInfo) -> Bool {
    guard kinds.contains(object.kind) else { return false }
    if let prefix, !(object.name?.text.hasPrefix(prefix) ?? false) { return false }
    if let owner, object.uid != owner { return false }
    return true
  }
}
