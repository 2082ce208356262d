import Glibc

/// One process's mount table, /proc/PID/mountinfo: what is mounted where, as that process
/// sees it (mount points relative to its root). Read whole or not at all: a table cut short
/// could hide the mount that matters.
struct MountInfo {
  struct Mount: Equatable {
    var id: UInt64
    var parent: UInt64
    var device: dev_t
    /// Relative to the process's root, as bytes ("/dev/shm").
    var mountPoint: [UInt8]
    var filesystem: String
  }

  var mounts: [Mount]

  /// The table of `pid` (nil: this process); nil if it cannot be read whole.
  static func read(pid: pid_t?, proc: String = "/proc") -> MountInfo? {
    guard
      let process = try? FileDescriptor.open(
        "\(proc)/\(pid.map(String.init) ?? "self")", O_RDONLY | O_DIRECTORY)
    else { return nil }
    return read(process: process.raw)
  }

  /// The table of the process or thread whose /proc directory is `path` ("/proc/7",
  /// "/proc/7/task/9"); nil if it cannot be read whole.
  static func read(directory path: String) -> MountInfo? {
    guard let process = try? FileDescriptor.open(path, O_RDONLY | O_DIRECTORY) else { return nil }
    return read(process: process.raw)
  }

  /// The table of the process whose /proc directory is open as `process`: that process's,
  /// even if its pid is reused meanwhile (the directory then answers nothing).
  static func read(process: CInt) -> MountInfo? {
    let limit = 1 << 26
    guard
      let file = try? FileDescriptor.open(
        "mountinfo", O_RDONLY | O_NOFOLLOW, relativeTo: process),
      let bytes = try? file.read(upTo: limit + 1), bytes.count <= limit
    else { return nil }
    return MountInfo(parsing: bytes)
  }

  init(parsing bytes: [UInt8]) {
    mounts = bytes.split(separator: UInt8(ascii: "\n")).compactMap(Self.mount)
  }

  /// "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw": id, parent,
  /// major:minor, root, mount point, options, optional fields up to "-", then the type.
  private static func mount(_ line: ArraySlice<UInt8>) -> Mount? {
    let fields = line.split(separator: UInt8(ascii: " "))
    guard fields.count >= 7, let separator = fields.firstIndex(of: [UInt8(ascii: "-")]),
      separator + 1 < fields.count,
      let id = UInt64(String(decoding: fields[0], as: UTF8.self)),
      let parent = UInt64(String(decoding: fields[1], as: UTF8.self))
    else { return nil }
    let numbers = fields[2].split(separator: UInt8(ascii: ":"))
    guard numbers.count == 2, let major = UInt32(String(decoding: numbers[0], as: UTF8.self)),
      let minor = UInt32(String(decoding: numbers[1], as: UTF8.self))
    else { return nil }
    return Mount(
      id: id, parent: parent, device: Self.device(major, minor), mountPoint: unescape(fields[4]),
      filesystem: String(decoding: fields[separator + 1], as: UTF8.self))
  }

  /// glibc's makedev(3), a macro Swift cannot import.
  static func device(_ major: UInt32, _ minor: UInt32) -> dev_t {
    dev_t(makeDevice(major: UInt64(major), minor: UInt64(minor)))
  }

  /// The devices the mounts are on.
  var devices: Set<UInt64> { Set(mounts.map { UInt64($0.device) }) }

  /// The device of what this table shows at /dev/shm; nil if nothing is mounted there.
  var shmDevice: UInt64? { mount(covering: ShmHandle.folder).map { UInt64($0.device) } }

  /// The table writes space, tab, newline and backslash as octal escapes ("\040").
  static func unescape(_ field: ArraySlice<UInt8>) -> [UInt8] {
    var bytes: [UInt8] = []
    var input = field
    while let byte = input.popFirst() {
      if byte == UInt8(ascii: "\\"), input.count >= 3,
        let code = UInt8(String(decoding: input.prefix(3), as: UTF8.self), radix: 8)
      {
        bytes.append(code)
        input = input.dropFirst(3)
      } else {
        bytes.append(byte)
      }
    }
    return bytes
  }

  /// The mount a path (absolute, without "." or ".." or links) is on, as a lookup of it
  /// would meet them: down the tree from the root mount, each time to the top of a stack of
  /// mounts at one place, then to the child mount nearest the root on the way to the path (a
  /// mount made on /dev after one on /dev/shm hides that one). Nothing here is looked up in a
  /// file system: a path walk through a FUSE mount is what this spares.
  func mount(covering path: [UInt8]) -> Mount? { mounts(onTheWayTo: path).last }

  /// Every mount a lookup of `path` meets, from the root mount to the one the path is on.
  /// Each step looks only at the current mount's children (a user may stack 100,000 mounts
  /// on /dev/shm: a scan of the whole table per step took root's `namespaces` half an hour).
  func mounts(onTheWayTo path: [UInt8]) -> [Mount] {
    var met: [Mount] = []
    let slash = [UInt8(ascii: "/")]
    let ids = Set(mounts.map(\.id))
    var children: [UInt64: [Mount]] = [:]  // by parent, in the table's order
    for mount in mounts where mount.parent != mount.id {
      children[mount.parent, default: []].append(mount)
    }
    guard
      var current = mounts.last(where: {
        $0.mountPoint == slash && ($0.parent == $0.id || !ids.contains($0.parent))
      })
    else { return [] }
    met.append(current)
    while met.count <= mounts.count {  // a table that loops cannot keep us here
      let under = children[current.id] ?? []
      if let over = under.last(where: { $0.mountPoint == current.mountPoint }) {
        current = over
        met.append(current)
        continue
      }
      let below = under.filter { Self.covers($0.mountPoint, path) }
      guard let nearest = below.map(\.mountPoint.count).min(),
        let next = below.last(where: { $0.mountPoint.count == nearest })
      else { return met }
      current = next
      met.append(current)
    }
    return []
  }

  /// File systems whose lookups another process answers, or a network: a lookup through them
  /// may wait as long as that process or server likes.
  static func mayStall(_ filesystem: String) -> Bool {
    ["fuse", "nfs", "cifs", "smb", "9p", "ceph", "gluster", "afs", "lustre", "sshfs"].contains {
      filesystem.hasPrefix($0)
    }
  }

  /// The mounts below `folder` ("/dev/shm/sem.x" below "/dev/shm"), by the name in it.
  func mountedNames(in folder: [UInt8]) -> Set<[UInt8]> {
    var names: Set<[UInt8]> = []
    for mount in mounts where mount.mountPoint.count > folder.count + 1
      && mount.mountPoint.starts(with: folder + [UInt8(ascii: "/")])
    {
      let rest = mount.mountPoint.dropFirst(folder.count + 1)
      names.insert(Array(rest.prefix { $0 != UInt8(ascii: "/") }))
    }
    return names
  }

  private static func covers(_ mountPoint: [UInt8], _ path: [UInt8]) -> Bool {
    mountPoint == [UInt8(ascii: "/")] || mountPoint == path
      || (path.starts(with: mountPoint) && path[mountPoint.count] == UInt8(ascii: "/"))
  }
}
