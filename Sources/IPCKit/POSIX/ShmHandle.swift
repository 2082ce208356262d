import CIPCShims
import Glibc
import Synchronization

/// One /dev/shm, opened once and proven to be the tmpfs its mount table shows there; every
/// later read, creation and removal goes through this descriptor, never a path again.
///
/// Another process's /dev/shm is looked up inside that process's root (openat2 with
/// RESOLVE_IN_ROOT on /proc/PID/root), so no symlink it made can lead out of it. Whether it is
/// a tmpfs is decided from its mount table before the folder is touched: a FUSE or network
/// mount is never entered (a stalled one would hang us), a disk folder bound there is never
/// read as objects. Then the descriptor must be on that very mount (mount id and device),
/// read again after opening, so a mount swapped meanwhile is refused too. Where the process
/// runs in another user namespace, creation and removal are done by a helper that takes that
/// namespace's root's credentials: the kernel grants it no more than that root could do.
public final class ShmHandle: Sendable {
  /// The folder, open for reading (O_RDONLY | O_DIRECTORY).
  let descriptor: CInt
  /// Where it is, for messages: "/dev/shm", "/proc/PID/root/dev/shm".
  public let path: String
  public let device: UInt64
  /// Its mount; 0 for a folder opened as given (a test's fixture), which is not checked.
  let mountID: UInt64
  /// Names something was mounted on when the folder was opened: not objects.
  let mountedNames: Set<[UInt8]>
  /// The other user namespace whose root creates and removes here, or -1: the caller does
  /// (-2 only while opening: unknown, and then there is no handle).
  let userNamespace: CInt

  private init(
    descriptor: CInt, path: String, device: UInt64, mountID: UInt64, mountedNames: Set<[UInt8]>,
    userNamespace: CInt
  ) {
    self.descriptor = descriptor
    self.path = path
    self.device = device
    self.mountID = mountID
    self.mountedNames = mountedNames
    self.userNamespace = userNamespace
  }

  /// The helper that acts as that namespace's root: started on first use, one request at a
  /// time, stopped with the handle.
  private let helper = Mutex<Helper>(.notStarted)

  private enum Helper: Sendable {
    case notStarted
    case running(pid: pid_t, channel: CInt)
    case failed(CInt)
  }

  deinit {
    if case .running(let pid, let channel) = helper.withLock({ $0 }) {
      NamespaceCalls.stopNamespaceRoot(pid, channel: channel)
    }
    Descriptors.close(descriptor)
    if userNamespace >= 0 { Descriptors.close(userNamespace) }
  }

  /// Sends one request to the helper (started now if need be); its step and errno.
  private func askHelper(
    _ request: (CInt) -> (step: CInt, code: CInt)
  ) -> (step: CInt, code: CInt) {
    helper.withLock { state in
      if case .notStarted = state {
        state =
          switch NamespaceCalls.startNamespaceRoot(userNamespace) {
          case .success(let (pid, channel)): .running(pid: pid, channel: channel)
          case .failure(let code): .failed(code.rawValue)
          }
      }
      switch state {
      case .running(_, let channel): return request(channel)
      case .failed(let code): return (1, code)
      case .notStarted: return (1, EIO)
      }
    }
  }

  static let folder = Array("/dev/shm".utf8)

  /// The /dev/shm `pid` sees (nil: this process's own), verified as above.
  public static func open(pid: pid_t?, proc: String = "/proc") -> Result<ShmHandle, ListingGap> {
    let path = pid.map { "\(proc)/\($0)/root/dev/shm" } ?? "/dev/shm"
    func refused(_ reason: ShmRefusal) -> Result<ShmHandle, ListingGap> {
      .failure(.shmRefused(path: path, reason: reason))
    }
    // Everything about the process is read through its /proc directory, opened once: should it
    // end and its pid be reused, the directory answers nothing rather than another's entries.
    let process: FileDescriptor
    do throws(SystemError) {
      let entry = pid.map(String.init) ?? "self"
      process = try FileDescriptor.open("\(proc)/\(entry)", O_RDONLY | O_DIRECTORY)
    } catch {
      // Without /proc (a minimal container) our own /dev/shm is what glibc's shm_open uses
      // too: no one else chose it. Another process's is never taken unproven.
      if pid == nil { return plain(path) }
      return .failure(.shmDirectoryUnreadable(path: path, code: error.code))
    }
    // 1. From the mount table alone: what is mounted at /dev/shm.
    guard let before = MountInfo.read(process: process.raw) else {
      // Without /proc (a minimal container) our own /dev/shm is what glibc's shm_open uses
      // too: no one else chose it. Another process's is never taken unproven.
      if pid == nil { return plain(path) }
      return refused(.mountTableUnreadable)
    }
    let way = before.mounts(onTheWayTo: folder)
    guard let expected = way.last else {
      // A plain chroot: its root is no mount its table shows, so nothing on the way can be vetted.
      return refused(.rootNotInMountTable)
    }
    guard expected.filesystem == "tmpfs" else {
      return refused(.notTmpfs(filesystem: printableType(expected.filesystem)))
    }
    // Another process's mounts on the way could stall the lookup itself (our own we walk
    // through anyway: we run from them).
    if pid != nil,
      let stalling = way.dropLast().first(where: { MountInfo.mayStall($0.filesystem) })
    {
      return refused(.reachedThrough(filesystem: printableType(stalling.filesystem)))
    }
    // 2. Looked up inside the process's root, never leaving it, without opening the folder yet.
    let root: FileDescriptor
    do throws(SystemError) {
      root = try FileDescriptor.open(
        pid == nil ? "/" : "root", IPCSHIM_O_PATH | O_DIRECTORY, relativeTo: process.raw)
    } catch {
      return .failure(.shmDirectoryUnreadable(path: path, code: error.code))
    }
    // No symlink at all: the table was read for the literal path, and a link could lead the
    // lookup through mounts it never vetted (a FUSE one, where the lookup itself would wait).
    let resolve = UInt64(
      IPCSHIM_RESOLVE_IN_ROOT | IPCSHIM_RESOLVE_NO_MAGICLINKS | IPCSHIM_RESOLVE_NO_SYMLINKS)
    let place: FileDescriptor
    let located = FileCalls.open(
      "dev/shm", IPCSHIM_O_PATH | O_DIRECTORY, below: root.raw, resolve: resolve)
    switch consume located {
    case .success(let located): place = located
    case .failure(let code):
      if code.rawValue == ELOOP {
        return refused(.symbolicLink)
      }
      return .failure(.shmDirectoryUnreadable(path: path, code: code))
    }
    // 3. The descriptor's mount, from procfs (which asks nothing of that file system), must be
    // the tmpfs the table shows at /dev/shm, in the table read now that the descriptor holds it.
    guard let mountID = mountID(of: place.raw),
      let after = MountInfo.read(process: process.raw),
      let mount = after.mounts.first(where: { $0.id == mountID }), mount == expected,
      after.mount(covering: folder)?.id == mountID
    else { return refused(.notTheMountedTmpfs) }
    guard let status = try? place.status(), status.st_dev == mount.device else {
      return refused(.notTheMountedTmpfs)
    }
    let readable: FileDescriptor
    do throws(SystemError) {
      readable = try FileDescriptor.open(".", O_RDONLY | O_DIRECTORY, relativeTo: place.raw)
    } catch {
      return .failure(.shmDirectoryUnreadable(path: path, code: error.code))
    }
    let handle = ShmHandle(
      descriptor: readable.release(), path: path, device: UInt64(status.st_dev), mountID: mountID,
      mountedNames: after.mountedNames(in: folder),
      userNamespace: pid == nil ? -1 : otherUserNamespace(process.raw, proc: proc) ?? -2)
    // Whose powers apply unknown: nothing is touched (never acting as ourselves by default).
    guard handle.userNamespace != -2 else {
      return refused(.userNamespaceUnreadable)
    }
    return .success(handle)
  }

  /// A folder opened as given, unchecked: IPCTOOL_SHM, a test's fixture.
  static func plain(_ path: String) -> Result<ShmHandle, ListingGap> {
    do throws(SystemError) {
      let folder = try FileDescriptor.open(path, O_RDONLY | O_DIRECTORY)
      let device = UInt64(try folder.status().st_dev)
      let copy = try folder.duplicate()
      return .success(
        ShmHandle(
          descriptor: copy.release(), path: path, device: device, mountID: 0, mountedNames: [],
          userNamespace: -1))
    } catch {
      return .failure(.shmDirectoryUnreadable(path: path, code: error.code))
    }
  }

  /// The mount id procfs gives for one of our descriptors ("mnt_id:" in /proc/self/fdinfo).
  static func mountID(of descriptor: CInt) -> UInt64? {
    guard let text = readTextFile("/proc/self/fdinfo/\(descriptor)", limit: 1 << 16) else {
      return nil
    }
    for line in text.split(separator: "\n") where line.hasPrefix("mnt_id:") {
      return UInt64(String(line.dropFirst(7).filter { !$0.isWhitespace }))
    }
    return nil
  }

  /// `pid`'s user namespace opened, when it is not ours and we are root; -1 when it is ours
  /// (or unknown: then the target is in ours as far as anyone can tell, and the kernel judges
  /// us), or when we are not root: then we have no more power than our own, which the kernel
  /// judges as it is.
  /// Nil when it cannot be told.
  private static func otherUserNamespace(_ process: CInt, proc: String) -> CInt? {
    guard geteuid() == 0 else { return -1 }
    guard let theirs = try? FileDescriptor.open("ns/user", O_RDONLY, relativeTo: process),
      let status = try? theirs.status(), let mine = try? FileStatus.of("\(proc)/self/ns/user")
    else { return nil }
    guard status.st_ino != mine.st_ino || status.st_dev != mine.st_dev else { return -1 }
    return theirs.release()
  }

  /// A file-system type as the table has it, made safe to print ("fuse.sshfs").
  private static func printableType(_ type: String) -> String {
    let printable = type.unicodeScalars.filter { $0.value > 0x20 && $0.value < 0x7F }
    return String(printable.map(Character.init))
  }

  /// Whether a file found in the folder is an object: a regular file on the folder's own
  /// mount (a file bind-mounted over a name is someone else's, even on the same device).
  func isObject(_ name: UnsafePointer<CChar>, _ status: stat, mountID fileMount: UInt64) -> Bool {
    guard status.st_mode & S_IFMT == S_IFREG, UInt64(status.st_dev) == device else { return false }
    if mountID != 0 && fileMount != mountID { return false }
    return mountedNames.isEmpty
      || !mountedNames.contains(Array(UnsafeRawBufferPointer(start: name, count: strlen(name))))
  }

  /// Whether something was mounted on the name when the folder was opened: never looked up
  /// (whatever is mounted there, a FUSE file or a root-only one, is not ours to touch).
  func isMountedOver(_ name: UnsafePointer<CChar>) -> Bool {
    !mountedNames.isEmpty
      && mountedNames.contains(Array(UnsafeRawBufferPointer(start: name, count: strlen(name))))
  }

  /// Stats one name in the folder without following a link, and only if it is an object.
  ///
  /// One statx per name (a listing makes tens of thousands): whatever was mounted on the name
  /// since the folder was opened answers from what the kernel holds, never from its file
  /// system (see `FileStatus.entry`), and is refused by its mount id like a bind mount.
  func objectStatus(_ name: UnsafePointer<CChar>) -> stat? {
    if isMountedOver(name) { return nil }
    guard case .success(let found) = FileStatus.entry(descriptor, name),
      isObject(name, found.status, mountID: found.mountID)
    else { return nil }
    return found.status
  }

  /// Opens one name in the folder for reading (never across a mount on it nor through a
  /// link) and gives `body` the descriptor with what it is, if it is an object; nil if it
  /// cannot be opened or is no object. What `body` reads is then the file stat'ed.
  func withOpenedObject<R>(
    _ name: UnsafePointer<CChar>, _ body: (borrowing FileDescriptor, stat) -> R
  ) -> R? {
    if isMountedOver(name) { return nil }
    guard case .success(let file) = open(name, O_RDONLY | O_NONBLOCK | O_NOCTTY) else {
      return nil
    }
    guard
      case .success(let found) = FileStatus.withMount(file.raw, "", flags: IPCSHIM_AT_EMPTY_PATH),
      isObject(name, found.status, mountID: found.mountID)
    else { return nil }
    return body(file, found.status)
  }

  /// Stats one name in the folder as it is, without following a link or crossing a mount on
  /// it; ENOENT for a mounted-on name (whatever is there is not an object of this folder).
  func status(of name: UnsafePointer<CChar>) -> Result<stat, Errno> {
    FileStatus.withMount(descriptor, name, flags: AT_SYMLINK_NOFOLLOW)
      .map(\.status)
      .mapError { $0.rawValue == EXDEV ? .noSuchFileOrDirectory : $0 }
  }

  /// Opens one name in the folder, never across a mount on it nor through a link.
  func open(_ name: UnsafePointer<CChar>, _ flags: CInt) -> Result<FileDescriptor, Errno> {
    FileCalls.open(name, flags, inFolder: descriptor)
  }

  /// Removes one object's name, with the powers of the folder's user namespace's root.
  func unlink(_ name: IPCName, prefix: String) throws(SystemError) {
    if userNamespace < 0 {
      try FileCalls.unlink(name, prefix: prefix, in: descriptor)
      return
    }
    let (step, code) = askHelper { channel in
      name.withFileNameCString(prefix: prefix) {
        NamespaceCalls.namespaceRootUnlink(channel, descriptor, $0)
      }
    }
    if code != 0 { throw Self.helperFailure(step, code, name) }
  }

  /// Makes a file of `mode` holding `content` (or, without content, `size` bytes of
  /// allocated pages), and links it as the name only once complete: EEXIST if the name is
  /// taken, nothing left behind on failure.
  func create(
    _ name: IPCName, prefix: String, mode: mode_t, content: [UInt8]?, size: UInt64
  ) throws(SystemError) {
    if userNamespace >= 0 {
      let (step, code) = askHelper { channel in
        name.withFileNameCString(prefix: prefix) { cName in
          if let content {
            return content.withUnsafeBytes {
              NamespaceCalls.namespaceRootCreate(
                channel, descriptor, cName, mode: mode, content: $0, size: 0)
            }
          }
          return NamespaceCalls.namespaceRootCreate(
            channel, descriptor, cName, mode: mode, content: nil, size: size)
        }
      }
      if code != 0 { throw Self.helperFailure(step, code, name) }
      return
    }
    let file = try FileCalls.openNameless(in: descriptor, mode: mode, subject: path)
    try file.setMode(mode)
    if let content {
      try file.write(content)
    } else if size > 0 {
      try file.allocate(size)
    }
    try PosixSharedMemory.linkIntoPlace(file, as: name, prefix: prefix, in: descriptor)
  }

  /// The handle, or the error that says why there is none: "create posix-shm:/x:
  /// /proc/7/root/dev/shm is not a tmpfs (ext4): not read".
  static func required(
    _ folder: Result<ShmHandle, ListingGap>, operation: String, subject: String
  ) throws(IPCError) -> ShmHandle {
    switch folder {
    case .success(let handle): return handle
    case .failure(.shmRefused(let path, let reason)):
      throw IPCError(
        operation: operation, subject: subject, reason: .shmRefused(path: path, why: reason),
        code: .permissionDenied)
    case .failure(.shmDirectoryUnreadable(let path, let code)):
      let error = SystemError(call: "open", subject: path, code: code)
      throw IPCError(operation: operation, subject: subject, error)
    case .failure:
      throw IPCError(
        operation: operation, subject: subject, reason: .noShm, code: .noSuchFileOrDirectory)
    }
  }

  /// The helper's failure. One to become the namespace's root (no uid 0 mapped there) is a
  /// refusal, never "no such object": the object is still there.
  private static func helperFailure(_ step: CInt, _ code: CInt, _ name: IPCName) -> SystemError {
    guard step != 1 else {
      return SystemError(
        call: "setns", code: .notPermitted, refusal: .notNamespaceRoot(Errno(rawValue: code)))
    }
    return SystemError(call: stepName(step), subject: name.description, code: Errno(rawValue: code))
  }

  private static func stepName(_ step: CInt) -> String {
    switch step {
    case 2: "open"
    case 3: "fchmod"
    case 4: "write"
    case 5: "linkat"
    default: "unlink"
    }
  }

  /// Size and free space of the file system (statvfs on the descriptor).
  func space() -> statvfs? {
    try? FileStatus.fileSystem(descriptor)
  }
}

extension ListingGap: Error {}
