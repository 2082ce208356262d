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
}
