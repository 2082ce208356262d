import CIPCShims
import Glibc

/// A file's identity, size and the pages it holds, as its inode already has them.
struct FileFacts: Sendable, Equatable {
  var identity: FileIdentity
  /// st_size: what the file says it holds.
  var size: UInt64
  /// st_blocks × 512: the pages it holds, resident or swapped (a sparse file holds fewer).
  var allocated: UInt64
  /// Names left; 0 once every one was unlinked.
  var links: UInt32

  /// The facts of `path` in the folder `directory` (a /proc/PID/fd or map_files entry, followed
  /// as the magic link it is). No file system is asked anything (AT_STATX_DONT_SYNC): a FUSE
  /// file another user holds cannot stall us.
  ///
  /// The corresponding C call is `statx(2)`.
  static func at(_ directory: CInt, _ path: String, following: Bool = true) -> Result<
    FileFacts, Errno
  > {
    var facts = ipcshim_file_facts()
    let flags = following ? 0 : AT_SYMLINK_NOFOLLOW
    return valueOrErrno { ipcshim_file_facts_at(directory, path, flags, &facts) }.map { _ in
      FileFacts(
        identity: FileIdentity(device: facts.device, inode: facts.inode), size: facts.size,
        allocated: facts.blocks * 512, links: facts.links)
    }
  }
}
