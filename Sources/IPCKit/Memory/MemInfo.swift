/// /proc/meminfo, the figures `ipctool memory` accounts for.
public struct MemInfo: Sendable, Equatable {
  /// "Shmem": every page of shared memory the kernel holds in RAM (tmpfs files, System V
  /// segments, memfd files, shared anonymous mappings, and buffers drivers keep there), in bytes.
  public var shmem: UInt64
  /// "ShmemHugePages", in bytes (part of Shmem).
  public var shmemHugePages: UInt64?

  /// The figures from the file's text; nil without a Shmem line.
  init?(parsing text: String) {
    var values: [Substring: UInt64] = [:]
    for line in text.split(separator: "\n") {
      // "Shmem:             9572 kB"
      let fields = line.split(whereSeparator: { $0 == " " || $0 == ":" })
      guard fields.count >= 2, let number = UInt64(fields[1]) else { continue }
      values[fields[0]] = fields.count >= 3 && fields[2] == "kB" ? number * 1024 : number
    }
    guard let shmem = values["Shmem"] else { return nil }
    self.shmem = shmem
    self.shmemHugePages = values["ShmemHugePages"]
  }

  /// The machine's (/proc/meminfo is not namespaced); nil if unreadable.
  static func read(proc: String) -> MemInfo? {
    readTextFile(proc + "/meminfo", limit: 1 << 16).flatMap(MemInfo.init(parsing:))
  }
}
