import Glibc

/// The System V objects of one kind read slot by slot with *_STAT_ANY, as `ipcrm --all` does:
/// a call per object and no /proc table to format and parse. /proc/sysvipc stays the listing,
/// since it also has segments' page counts; this is for acting on each object as it is read.
enum SysVSlots {
  /// `transform` of every object of `kind`, called as soon as its slot is read, so whatever
  /// it does follows the kernel's answer within microseconds. Results in id order; nil, with
  /// nothing transformed, where the kernel cannot read slots (STAT_ANY came in Linux 4.17).
  static func map<T>(_ kind: IPCKind, _ transform: (IPCObjectInfo) -> T?) -> [T]? {
    guard let family = kind.sysvFamily else { return nil }
    var inUse: CInt = 0
    let highest = family.slots(inUse: &inUse)
    guard highest >= 0 else { return nil }
    var ids: [Int32] = []
    var results: [T] = []
    var seen = 0
    for slot in 0...highest {
      let object: IPCObjectInfo
      do {
        object = try family.status(slot: slot)
      } catch where error.code == .invalidArgument || error.code == .identifierRemoved {
        continue  // an empty slot, or one emptied meanwhile
      } catch {
        // Refused (a security module may deny STAT_ANY): let /proc tell, unless objects
        // were already handed over.
        if seen == 0 { return nil }
        continue
      }
      guard let id = object.id else { continue }
      seen += 1
      if let result = transform(object) {
        ids.append(id)
        results.append(result)
      }
    }
    // Old kernels refuse STAT_ANY with the same EINVAL as an empty slot.
    if seen == 0 && inUse > 0 { return nil }
    // Slot order is id order unless ids were recycled.
    guard zip(ids, ids.dropFirst()).contains(where: { $0 > $1 }) else { return results }
    return ids.indices.sorted { ids[$0] < ids[$1] }.map { results[$0] }
  }
}
