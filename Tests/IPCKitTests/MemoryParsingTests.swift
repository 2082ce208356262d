import Testing

@testable import IPCKit

/// The pieces `ipctool memory` reads the kernel's tables with, on text as the kernel and hostile
/// processes write it.
@Suite struct MemoryParsingTests {
  @Test func meminfoGivesShmemInBytes() throws {
    let info = try #require(
      MemInfo(
        parsing:
          "MemTotal:       24668152 kB\nShmem:              9572 kB\nShmemHugePages:        0 kB\n")
    )
    #expect(info.shmem == 9572 * 1024)
    #expect(info.shmemHugePages == 0)
    #expect(MemInfo(parsing: "MemTotal: 1 kB\n") == nil)
  }

  static let shmDevice = makeDevice(major: 0, minor: 1)
  static let tmpfs = makeDevice(major: 0, minor: 0x19)

  static func kind(_ line: String) -> MapsEntry.MappedKind? {
    MapsEntry(Array(line.utf8)[...])?.kind(shmDevice: shmDevice, tmpfsDevices: [tmpfs])
  }

  @Test func mapsLinesAreTold() throws {
    #expect(
      Self.kind("7f2c1000-7f2c4000 rw-s 00000000 00:01 2057 /memfd:frames (deleted)")
        == .file(.memfd))
    // A private mapping of a memfd still keeps it.
    #expect(
      Self.kind("7f2c1000-7f2c4000 rw-p 00000000 00:01 2057 /memfd:x (deleted)") == .file(.memfd))
    #expect(
      Self.kind("7f2c1000-7f2c4000 rw-s 00000000 00:01 99 /dev/zero (deleted)")
        == .file(.sharedAnonymous))
    #expect(
      Self.kind("7f2c1000-7f2c4000 rw-s 00000000 00:01 32769 /SYSV0001e240 (deleted)")
        == .segment(32769))
    #expect(
      Self.kind("7f2c1000-7f2c4000 rw-s 00000000 00:19 12 /dev/shm/gone (deleted)")
        == .file(.unlinked))
    #expect(Self.kind("7f2c1000-7f2c4000 rw-s 00000000 00:19 12 /dev/shm/live") == nil)
    // The same words on another file system are not what they say.
    #expect(Self.kind("7f2c1000-7f2c4000 rw-s 00000000 fd:01 12 /memfd:fake (deleted)") == nil)
    #expect(Self.kind("7f2c1000-7f2c4000 rw-s 00000000 fd:01 12 /SYSV00000000 (deleted)") == nil)
    #expect(Self.kind("7f2c1000-7f2c4000 rw-p 00000000 00:00 0 ") == nil)
  }

  @Test func mapsEntryNamesItsMapFilesEntryAndKeepsBytes() throws {
    let entry = try #require(
      MapsEntry(
        Array("00400000-0040b000 r--s 00000000 00:01 7 /memfd:a\u{1b}b  c (deleted)".utf8)[...]))
    #expect(entry.mapFilesName == "400000-40b000")
    #expect(entry.length == 0xb000)
    #expect(Array(entry.path) == Array("/memfd:a\u{1b}b  c (deleted)".utf8))
    let file = SharedFile(
      kind: .memfd, identity: entry.identity, pathBytes: Array(entry.path), holders: [])
    #expect(file.nameBytes == Array("a\u{1b}b  c".utf8))
  }

  @Test func theMemoryControllersCgroupIsFound() throws {
    let hybrid = "9:name=systemd:/\n4:memory:/process_api/6d50\n1:cpu:/\n0::/\n"
    #expect(MemoryHierarchy.cgroup(in: hybrid)?.version == 1)
    #expect(MemoryHierarchy.cgroup(in: hybrid)?.path == Array("/process_api/6d50".utf8))
    let unified = "0::/machine.slice/libpod-abc.scope/container\n"
    #expect(MemoryHierarchy.cgroup(in: unified)?.version == 2)
    #expect(
      MemoryHierarchy.cgroup(in: unified)?.path
        == Array("/machine.slice/libpod-abc.scope/container".utf8))
    // A folder name holding ':' keeps it.
    #expect(MemoryHierarchy.cgroup(in: "0::/a:b\n")?.path == Array("/a:b".utf8))
    #expect(MemoryHierarchy.cgroup(in: "3:cpu:/x\n") == nil)
  }

  @Test func shmemAndLimitsReadAsEachVersionWritesThem() {
    #expect(
      MemoryHierarchy.shmem(inStat: "cache 1\nshmem 4096\nmapped_file 0\ntotal_shmem 8192\n")
        == 8192)
    #expect(MemoryHierarchy.shmem(inStat: "anon 1\nshmem 8388608\n") == 8_388_608)
    #expect(MemoryHierarchy.shmem(inStat: "anon 1\n") == nil)
    #expect(MemoryHierarchy.limit("9223372036854771712\n") == CgroupMemory.Limit.none)
    #expect(MemoryHierarchy.limit("max\n") == CgroupMemory.Limit.none)
    #expect(MemoryHierarchy.limit("134217728\n") == .bytes(134_217_728))
    #expect(MemoryHierarchy.limit(nil) == .unknown)
    #expect(MemoryHierarchy.limit("lots") == .unknown)
  }

  @Test func segmentsGiveResidentSwappedAndRemoval() throws {
    let table = SysVProcTable(
      text: """
        key shmid perms size cpid lpid nattch uid gid cuid cgid atime dtime ctime rss swap
        0 3 1600 7340032 3650 3651 2 0 0 0 0 1 0 1 7340032 4096
        900097020 1 640 65536 3649 0 0 0 0 0 0 0 0 1 0 0
        """)
    let segments = SegmentTable.parse(table)
    #expect(segments.map(\.id) == [1, 3])
    #expect(
      segments[1].resident == 7_340_032 && segments[1].swapped == 4096 && segments[1].attached == 2)
    #expect(segments[1].markedForRemoval && !segments[0].markedForRemoval)
  }
}
