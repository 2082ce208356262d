import Glibc

/// The System V objects of one kind read slot by slot with *_STAT_ANY, as `ipcrm --all` does:
/// a call per object and no /proc table to format and parse. /proc/sysvipc stays the listing,
/// since it also has segments' page counts; this is for acting on each object as it is read.
///
/// The slots can be read in ranges, on several threads at once (`SysVSlots.ranges`, `read`,
/// `inIDOrder`), or all in one go (`map`).
public enum SysVSlots {
  /// What one range of slots gave.
  public struct Pass<T> {
    var results: [T] = []
    var ids: [Int32] = []
    /// Objects read, transformed or not.
    var seen = 0
    /// Whether the kernel refused a read for another reason than an empty slot.
    var refused = false
  }

  /// `transform` of every object of `kind`, called as soon as its slot is read, so whatever
  /// it does follows the kernel's answer within microseconds. Results in id order; nil, with
  /// nothing transformed, where the kernel cannot read slots (STAT_ANY came in Linux 4.17).
  static func map<T>(_ kind: IPCKind, _ transform: (IPCObjectInfo) -> T?) -> [T]? {
    guard let ranges = ranges(kind, size: Int32.max) else { return nil }
    return inIDOrder(ranges.map { read(kind, $0, transform) })
  }

  /// The slots of `kind` up to the highest in use, in ranges of `size`; nil where there are
  /// no objects or the kernel cannot say.
  public static func ranges(_ kind: IPCKind, size: Int32) -> [Range<Int32>]? {
    guard let highest = kind.sysvFamily?.highestSlot(), highest >= 0 else { return nil }
    return stride(from: Int32(0), through: highest, by: Int(size)).map {
      $0..<(highest - $0 < size ? highest + 1 : $0 + size)
    }
  }

  /// `transform` of every object in `slots`, in slot order.
  public static func read<T>(
    _ kind: IPCKind, _ slots: Range<Int32>, _ transform: (IPCObjectInfo) -> T?
  ) -> Pass<T> {
    var pass = Pass<T>()
    guard let family = kind.sysvFamily else { return pass }
    for slot in slots {
      let object: IPCObjectInfo
      do {
        object = try family.status(slot: slot)
      } catch where error.code == .invalidArgument || error.code == .identifierRemoved {
        continue  // an empty slot, or one emptied meanwhile
      } catch {
        // Refused (a security module may deny STAT_ANY): let /proc tell, unless objects
        // were already handed over.
        pass.refused = true
        if pass.seen == 0 { return pass }
        continue
      }
      guard let id = object.id else { continue }
      pass.seen += 1
      if let result = transform(object) {
        pass.ids.append(id)
        pass.results.append(result)
      }
    }
    return pass
  }

  /// The results of every range of one kind, in id order; nil where the slots could not be
  /// read (then nothing was transformed), and /proc must tell.
  public static func inIDOrder<T>(_ passes: [Pass<T>]) -> [T]? {
    let results = passes.flatMap(\.results)
    switch order(passes) {
    case .unreadable: return nil
    case .asRead: return results
    case .permuted(let order): return order.map { results[$0] }
    }
  }

  /// How the results of the ranges, taken in turn, come into id order.
  public enum Order: Equatable {
    /// The slots could not be read: nothing was transformed, and /proc must tell.
    case unreadable
    /// Slot order is id order (unless ids were recycled).
    case asRead
    /// The result at each position, by index among all of them.
    case permuted([Int])
  }

  public static func order<T>(_ passes: [Pass<T>]) -> Order {
    // There were objects (see `ranges`), but old kernels refuse STAT_ANY with the same EINVAL
    // as an empty slot. (Had they all gone meanwhile, /proc says so.)
    if passes.allSatisfy({ $0.seen == 0 }) { return .unreadable }
    let ids = passes.flatMap(\.ids)
    guard zip(ids, ids.dropFirst()).contains(where: { $0 > $1 }) else { return .asRead }
    return .permuted(ids.indices.sorted { ids[$0] < ids[$1] })
  }
}
