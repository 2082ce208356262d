import Glibc

/// What the tool knows of PostgreSQL's shared memory, the best-known program that keeps
/// segments with nobody mapping them.
///
/// A postmaster makes one small System V segment, the "interlock" (its header starts with
/// `PGShmemMagic`; every server process stays attached), and POSIX segments named
/// `/PostgreSQL.<number>` for dynamic shared memory, some of which (the statistics, since
/// version 15) no process maps between uses. It runs in its data directory, where
/// postmaster.pid holds its pid on line 1 and the interlock's key and shmid on line 7. After a
/// crash, the next postmaster finds its old dynamic segments through the old interlock and
/// removes them: take the interlock alone and they stay for good.
enum PostgreSQL {
  static let application = "PostgreSQL"
  static let role = "postmaster"
  /// The first field of every PostgreSQL shared memory header (src/include/storage/pg_shmem.h).
  static let shmemMagic: Int32 = 679_834_894

  /// Whether a POSIX segment is one of PostgreSQL's dynamic segments: "/PostgreSQL." and digits.
  static func isDynamicSegment(_ name: IPCName) -> Bool {
    let prefix = Array("/PostgreSQL.".utf8)
    let bytes = name.bytes
    guard bytes.count > prefix.count, bytes.starts(with: prefix) else { return false }
    return bytes[prefix.count...].allSatisfy { (0x30...0x39).contains($0) }
  }

  /// The shmid of the interlock `pid` made, if `pid` is a running postmaster: its working
  /// directory holds a postmaster.pid that names it. Nil for any other process, or one this
  /// caller may not look into.
  static func postmasterInterlock(_ pid: pid_t, proc: String) -> Int32? {
    guard let text = readTextFile("\(proc)/\(pid)/cwd/postmaster.pid", limit: 4096) else {
      return nil
    }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    guard lines.count >= 7, pid_t(lines[0].filter { $0 != " " }) == pid else {
      return nil
    }
    let fields = lines[6].split(separator: " ")
    return fields.count == 2 ? Int32(fields[1]) : nil
  }

  /// The pid a PostgreSQL interlock's header records, if the segment is one. Reads its first
  /// bytes through a read-only attachment (which updates the segment's attach time and pid,
  /// as any reader's would); nil if it is not PostgreSQL's or cannot be read.
  static func interlockCreator(_ id: Int32) -> pid_t? {
    guard let address = try? SysVSharedMemory.attach(id, readOnly: true) else { return nil }
    defer { SysVSharedMemory.detach(address) }
    guard address.loadUnaligned(as: Int32.self) == shmemMagic else { return nil }
    return address.loadUnaligned(fromByteOffset: 4, as: pid_t.self)
  }
}
