import Glibc

/// What the tool knows of PostgreSQL's shared memory, the best-known program that keeps
/// segments with nobody mapping them. The layouts are PostgreSQL's (9.4 to 17 alike), read
/// from its source: src/include/storage/pg_shmem.h, src/backend/storage/ipc/dsm.c and
/// dsm_impl.c.
///
/// A postmaster makes one System V segment, the "interlock", whose header (PGShmemHeader)
/// starts with `shmemMagic` and the postmaster's pid and holds, at byte 24, the handle of its
/// dynamic shared memory "control segment". Every server process stays attached to the
/// interlock; the postmaster alone maps the control segment, for its whole life. The control
/// segment lists the handle of each dynamic segment (the statistics, parallel queries' memory),
/// some of which no process maps between uses. A handle H names the POSIX segment
/// `/PostgreSQL.H`, or, with `dynamic_shared_memory_type = sysv`, the System V segment with
/// key H. So each dynamic segment belongs to exactly one cluster: the one whose control
/// segment lists it. After a crash, the next postmaster finds the old control segment through
/// the old interlock and removes what it lists: take the interlock alone and they stay for good.
enum PostgreSQL {
  static let application = "PostgreSQL"
  static let role = "postmaster"
  /// PGShmemHeader's first field, PGShmemMagic.
  static let shmemMagic: Int32 = 679_834_894
  /// dsm_control_header's first field, PG_DYNSHMEM_CONTROL_MAGIC.
  static let controlMagic: UInt32 = 0x9a50_3d32
  /// The bytes of PGShmemHeader read: magic, creatorPID, totalsize, freeoffset, dsm_control.
  static let headerBytes = 28
  /// The largest control segment read: 16 bytes and 40 per slot, 64 slots and 2 per backend
  /// (262,143 at most) come to about 21 MB.
  static let largestControl = 32 << 20

  /// What an interlock's header says.
  struct Header: Equatable {
    var creator: pid_t
    /// The control segment's handle (0: none, dynamic_shared_memory_type = none or mmap).
    var control: UInt32
  }

  /// The header at the start of `bytes`, if they are a PostgreSQL interlock's.
  static func header(_ bytes: [UInt8]) -> Header? {
    guard bytes.count >= headerBytes else { return nil }
    return bytes.withUnsafeBytes { raw in
      guard raw.loadUnaligned(as: Int32.self) == shmemMagic else { return nil }
      return Header(
        creator: raw.loadUnaligned(fromByteOffset: 4, as: pid_t.self),
        control: raw.loadUnaligned(fromByteOffset: 24, as: UInt32.self))
    }
  }

  /// The handles a control segment lists as live (reference count above 0), if `bytes` (the
  /// segment's first `size` bytes, `size` its true size) are one. The slot's size differs
  /// between versions (24 bytes before 13, 40 since): it is what the segment's size gives
  /// for its number of slots, and anything else is not a control segment.
  static func controlItems(_ bytes: [UInt8], size: Int) -> [UInt32]? {
    let headerSize = 16  // magic, nitems, maxitems, and padding to the slots' 8-byte alignment
    guard bytes.count >= headerSize, size >= bytes.count else { return nil }
    return bytes.withUnsafeBytes { raw -> [UInt32]? in
      let (magic, count, slots) = (
        raw.loadUnaligned(as: UInt32.self), raw.loadUnaligned(fromByteOffset: 4, as: UInt32.self),
        raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self)
      )
      guard magic == controlMagic, slots > 0, count <= slots, (size - headerSize) % Int(slots) == 0
      else { return nil }
      let stride = (size - headerSize) / Int(slots)
      guard stride >= 8, stride % 8 == 0, headerSize + Int(count) * stride <= bytes.count else {
        return nil
      }
      return (0..<Int(count)).compactMap { slot in
        let at = headerSize + slot * stride
        let references = raw.loadUnaligned(fromByteOffset: at + 4, as: UInt32.self)
        return references > 0 ? raw.loadUnaligned(fromByteOffset: at, as: UInt32.self) : nil
      }
    }
  }

  /// The POSIX name of a handle's segment: "/PostgreSQL.H".
  static func dynamicName(_ handle: UInt32) -> [UInt8] { Array("/PostgreSQL.\(handle)".utf8) }

  /// The System V key of a handle's segment: the handle as a key_t, made positive.
  static func sysvKey(_ handle: UInt32) -> Int32 {
    let key = Int32(bitPattern: handle)
    return key < 1 ? 0 &- key : key
  }

  /// Whether a POSIX segment is one of PostgreSQL's dynamic segments: "/PostgreSQL." and digits.
  static func isDynamicSegment(_ name: IPCName) -> Bool {
    let prefix = Array("/PostgreSQL.".utf8)
    let bytes = name.bytes
    guard bytes.count > prefix.count, bytes.starts(with: prefix) else { return false }
    return bytes[prefix.count...].allSatisfy { (0x30...0x39).contains($0) }
  }
}
