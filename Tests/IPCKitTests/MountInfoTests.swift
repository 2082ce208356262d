import Glibc
import Testing

@testable import IPCKit

/// Reading a mount table: what is at /dev/shm is decided from it before the folder is touched,
/// so it must read what a hostile table says, exactly.
@Suite struct MountInfoTests {
  static let table = """
    22 27 0:21 / /proc rw,relatime - proc proc rw
    24 27 0:6 / /dev rw,relatime - devtmpfs devtmpfs rw
    25 24 0:23 / /dev/shm rw,relatime shared:5 - tmpfs tmpfs rw
    27 1 254:0 / / rw,relatime - ext4 /dev/vda rw
    30 25 0:27 / /dev/shm rw,relatime - fuse.stall stall rw
    31 30 254:0 /etc/shadow /dev/shm/sem.x rw - ext4 /dev/vda rw
    32 25 0:23 / /dev/shm\\040x rw - tmpfs tmpfs rw
    garbage line
    """

  @Test func theLastMountAtAPlaceIsTheOneSeen() throws {
    let table = MountInfo(parsing: Array(Self.table.utf8))
    let shm = try #require(table.mount(covering: Array("/dev/shm".utf8)))
    #expect(shm.id == 30 && shm.filesystem == "fuse.stall")
    #expect(shm.device == MountInfo.device(0, 27))
    #expect(table.mount(covering: Array("/dev/shmem".utf8))?.id == 24)  // a longer name is not below it
    #expect(table.mount(covering: Array("/run/shm".utf8))?.id == 27)
  }

  /// A FUSE mount made on /dev after the tmpfs on /dev/shm hides it: a lookup of /dev/shm
  /// would walk into the FUSE mount, so that is the one /dev/shm is on.
  @Test func aMountOverAFolderAboveHidesWhatIsBelow() throws {
    let table = MountInfo(parsing: Array("""
      27 1 254:0 / / rw - ext4 /dev/vda rw
      24 27 0:6 / /dev rw - devtmpfs devtmpfs rw
      25 24 0:23 / /dev/shm rw - tmpfs tmpfs rw
      40 24 0:50 / /dev rw - fuse.stall stall rw
      """.utf8))
    #expect(table.mount(covering: Array("/dev/shm".utf8))?.filesystem == "fuse.stall")
    // Mounted beneath instead (the tmpfs made on /dev/shm of the FUSE /dev): seen.
    let above = MountInfo(parsing: Array("""
      27 1 254:0 / / rw - ext4 /dev/vda rw
      40 27 0:50 / /dev rw - fuse.stall stall rw
      41 40 0:23 / /dev/shm rw - tmpfs tmpfs rw
      """.utf8))
    #expect(above.mount(covering: Array("/dev/shm".utf8))?.id == 41)
    #expect(above.mounts(onTheWayTo: Array("/dev/shm".utf8)).map(\.id) == [27, 40, 41])
    #expect(MountInfo.mayStall("fuse.stall") && MountInfo.mayStall("nfs4") && !MountInfo.mayStall("tmpfs"))
  }

  @Test func mountPointsAreBytesWithTheirEscapesUndone() {
    let table = MountInfo(parsing: Array(Self.table.utf8))
    #expect(table.mounts.count == 7)
    #expect(table.mounts.last?.mountPoint == Array("/dev/shm x".utf8))
    #expect(table.mountedNames(in: Array("/dev/shm".utf8)) == [Array("sem.x".utf8)])
  }

  /// The device the table gives for this process's /proc is the one stat gives.
  @Test func devicesAreTheOnesStatGives() throws {
    let table = try #require(MountInfo.read(pid: nil))
    var status = stat()
    try #require(stat("/proc", &status) == 0)
    #expect(table.mount(covering: Array("/proc".utf8))?.device == status.st_dev)
    #expect(MountInfo.device(8, 1) == 0x801)
  }

  /// A user may stack as many mounts on its /dev/shm as fs.mount-max allows (100,000), and
  /// `namespaces`, `list -A` and the owner guard read its table unasked: one lookup through it
  /// must cost about the table's length, not its square (which took half an hour). The limit
  /// is a safety net three orders of magnitude above the time it takes.
  @Test(.timeLimit(.minutes(1))) func aStackOfAHundredThousandMountsIsWalkedOnce() throws {
    var lines = ["27 1 254:0 / / rw - ext4 /dev/vda rw", "24 27 0:6 / /dev rw - devtmpfs devtmpfs rw"]
    var parent = 24
    for id in 100...100_099 {
      lines.append("\(id) \(parent) 0:\(id) / /dev/shm rw - tmpfs none rw")
      parent = id
    }
    let table = MountInfo(parsing: Array(lines.joined(separator: "\n").utf8))
    let way = table.mounts(onTheWayTo: Array("/dev/shm/sem.x".utf8))
    #expect(way.count == 100_002)
    #expect(way.last?.id == 100_099)
    #expect(table.mount(covering: Array("/dev".utf8))?.id == 24)
  }
}
