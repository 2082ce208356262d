import CIPCShims
import Glibc

/// The tmpfs file systems shared memory lives on: every tmpfs in this process's mount table,
/// and the /dev/shm of every other mount namespace (a container's), each counted once by
/// device (a bind mount, or a container sharing the host's /dev/shm, is the same file system).
enum TmpfsCensus {
  /// Ours, from the mount table alone; measured through a descriptor opened without links.
  static func ours(_ table: MountInfo?) -> [TmpfsUsage] {
    guard let table else { return [] }
    var seen: Set<UInt64> = []
    var found: [TmpfsUsage] = []
    // /dev/shm first: where a file system is mounted twice, that is the place that tells.
    let tmpfs = table.mounts.filter { $0.filesystem == "tmpfs" }
    let ordered =
      tmpfs.filter { $0.mountPoint == ShmHandle.folder }
      + tmpfs.filter { $0.mountPoint != ShmHandle.folder }
    for mount in ordered where seen.insert(UInt64(mount.device)).inserted {
      // A mount stacked over this one hides it: nothing of it can be reached by its path.
      guard table.mount(covering: mount.mountPoint)?.id == mount.id else { continue }
      var usage = TmpfsUsage(mountPoint: mount.mountPoint, device: UInt64(mount.device))
      measure(&usage, table)
      found.append(usage)
    }
    return found
  }

  private static func measure(_ usage: inout TmpfsUsage, _ table: MountInfo) {
    if let stalling = table.mounts(onTheWayTo: usage.mountPoint).dropLast().first(where: {
      MountInfo.mayStall($0.filesystem)
    }) {
      usage.gap = .behindStallingMount(stalling.filesystem)
      return
    }
    do throws(SystemError) {
      let root = try FileDescriptor.open("/", IPCSHIM_O_PATH | O_DIRECTORY)
      let relative = String(
        decoding: usage.mountPoint.drop { $0 == UInt8(ascii: "/") }, as: UTF8.self)
      let folder = try openWithoutLinks(
        root.raw, relative.isEmpty ? "." : relative, IPCSHIM_O_PATH | O_DIRECTORY)
      // Still the mount the table named (not one made over it since, nor another folder).
      guard UInt64(try folder.status().st_dev) == usage.device else {
        usage.gap = .unreachable(.noSuchFileOrDirectory)
        return
      }
      record(fileSystemSpace(folder.raw), into: &usage)
    } catch {
      usage.gap = .unreachable(error.code)
    }
  }

  /// A /dev/shm, through its verified handle: its space and its POSIX objects.
  static func devShm(_ handle: ShmHandle, seenThrough: ProcessRef?) -> TmpfsUsage {
    var usage = TmpfsUsage(mountPoint: ShmHandle.folder, device: handle.device)
    usage.seenThrough = seenThrough
    record(handle.space().map { .success($0) } ?? .failure(.current), into: &usage)
    if let entries = try? FileDescriptor.open(
      ".", O_RDONLY | O_DIRECTORY, relativeTo: handle.descriptor
    ).directoryEntries() {
      var count = 0
      var bytes: UInt64 = 0
      for entry in entries {
        let status = (entry.name + [0]).withUnsafeBufferPointer {
          $0.withMemoryRebound(to: CChar.self) { handle.objectStatus($0.baseAddress!) }
        }
        guard let status else { continue }
        count += 1
        bytes += UInt64(status.st_blocks) * 512
      }
      usage.posixObjects = count
      usage.posixBytes = bytes
    }
    return usage
  }

  private static func record(_ space: Result<statvfs, Errno>, into usage: inout TmpfsUsage) {
    switch space {
    case .failure(let code): usage.gap = .unreachable(code)
    case .success(let space) where space.f_blocks == 0: usage.gap = .uncounted
    case .success(let space):
      let unit = UInt64(space.f_frsize)
      usage.size = UInt64(space.f_blocks) * unit
      usage.used = UInt64(space.f_blocks - space.f_bfree) * unit
    }
  }
}
