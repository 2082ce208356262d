/// One line of /proc/PID/maps, with what `ipctool memory` needs of it:
/// "7f2c1000-7f2c4000 rw-s 00000000 00:01 2057 /memfd:frames (deleted)".
struct MapsEntry: Equatable {
  var start: UInt64
  var end: UInt64
  var isShared: Bool
  var identity: FileIdentity
  /// The path, as bytes (a memfd's name is whatever its maker chose).
  var path: ArraySlice<UInt8>

  init?(_ line: ArraySlice<UInt8>) {
    let fields = line.split(separator: 0x20, maxSplits: 5, omittingEmptySubsequences: true)
    guard fields.count == 6 else { return nil }  // no path: a private anonymous mapping
    let range = fields[0].split(separator: UInt8(ascii: "-"))
    guard range.count == 2, let start = parseInteger(range[0], radix: UInt64(16)),
      let end = parseInteger(range[1], radix: UInt64(16)),
      let device = parseDevice(fields[3]), let inode = parseInteger(fields[4], radix: UInt64(10))
    else { return nil }
    self.start = start
    self.end = end
    isShared = fields[1].last == UInt8(ascii: "s")  // perms "rw-s"
    identity = FileIdentity(device: device, inode: inode)
    path = fields[5].drop { $0 == 0x20 }
  }

  /// Its entry in /proc/PID/map_files ("7f2c1000-7f2c4000": no zero padding there).
  var mapFilesName: String { String(start, radix: 16) + "-" + String(end, radix: 16) }

  var length: UInt64 { end &- start }

  var isDeleted: Bool {
    path.count > Self.deleted.count && path.suffix(Self.deleted.count).elementsEqual(Self.deleted)
  }

  static let deleted = Array(" (deleted)".utf8)
  static let memfdPrefix = Array("/memfd:".utf8)
  static let sysvPrefix = Array("/SYSV".utf8)

  /// What it is, given the internal shm mount's device and the tmpfs mounts' devices; nil for
  /// anything else (a library, a file on disk).
  func kind(shmDevice: UInt64?, tmpfsDevices: Set<UInt64>) -> MappedKind? {
    if identity.device == shmDevice {
      // Any mapping keeps the file: a private one of a memfd copies only the pages it writes.
      if path.starts(with: Self.sysvPrefix) {
        return .segment(Int32(truncatingIfNeeded: identity.inode))
      }
      if path.starts(with: Self.memfdPrefix) { return .file(.memfd) }
      return .file(.sharedAnonymous)  // "/dev/zero (deleted)", or a driver's shmem file
    }
    // A private mapping of a tmpfs file keeps the file too (its pages stay the file's until
    // written).
    if tmpfsDevices.contains(identity.device) && isDeleted { return .file(.unlinked) }
    return nil
  }

  enum MappedKind: Equatable {
    case segment(Int32)
    case file(SharedFile.Kind)
  }
}
