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
      ipcshim_namespace_root_stop(pid, channel)
    }
    close(descriptor)
    if userNamespace >= 0 { close(userNamespace) }
  }

  /// Sends one request to the helper (started now if need be); its step and errno.
  private func askHelper(
    _ request: (CInt) -> (step: CInt, code: CInt)
  ) -> (step: CInt, code: CInt) {
    helper.withLock { state in
      if case .notStarted = state {
        var channel: CInt = -1
        var failure: CInt = 0
        let pid = ipcshim_namespace_root_start(userNamespace, &channel, &failure)
        let code = failure != 0 ? failure : errno
        state = pid > 0 ? .running(pid: pid, channel: channel) : .failed(code)
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
    func refused(_ reason: String) -> Result<ShmHandle, ListingGap> {
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
      return refused("not verifiable (its mount table cannot be read): not read")
    }
    let way = before.mounts(onTheWayTo: folder)
    guard let expected = way.last else {
      // A plain chroot: its root is no mount its table shows, so nothing on the way can be vetted.
      return refused("not verifiable (its root is not a mount its table shows): not read")
    }
    guard expected.filesystem == "tmpfs" else {
      return refused("not a tmpfs (\(printableType(expected.filesystem))): not read")
    }
    // Another process's mounts on the way could stall the lookup itself (our own we walk
    // through anyway: we run from them).
    if pid != nil,
      let stalling = way.dropLast().first(where: { MountInfo.mayStall($0.filesystem) })
    {
      return refused("reached through a \(printableType(stalling.filesystem)) mount: not read")
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
    let located = ipcshim_openat2(root.raw, "dev/shm", IPCSHIM_O_PATH | O_DIRECTORY, resolve)
    guard located >= 0 else {
      let code = Errno.current
      if code.rawValue == ELOOP {
        return refused("a symbolic link, or reached through one: not read")
      }
      return .failure(.shmDirectoryUnreadable(path: path, code: code))
    }
    let place = FileDescriptor(raw: located)
    // 3. The descriptor's mount, from procfs (which asks nothing of that file system), must be
    // the tmpfs the table shows at /dev/shm, in the table read now that the descriptor holds it.
    guard let mountID = mountID(of: place.raw),
      let after = MountInfo.read(process: process.raw),
      let mount = after.mounts.first(where: { $0.id == mountID }), mount == expected,
      after.mount(covering: folder)?.id == mountID
    else { return refused("not the tmpfs its mount table shows at /dev/shm: not read") }
    guard let status = try? place.status(), status.st_dev == mount.device else {
      return refused("not the tmpfs its mount table shows at /dev/shm: not read")
    }
    let readable = openat(place.raw, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard readable >= 0 else {
      return .failure(.shmDirectoryUnreadable(path: path, code: .current))
    }
    let handle = ShmHandle(
      descriptor: readable, path: path, device: UInt64(status.st_dev), mountID: mountID,
      mountedNames: after.mountedNames(in: folder),
      userNamespace: pid == nil ? -1 : otherUserNamespace(process.raw, proc: proc) ?? -2)
    // Whose powers apply unknown: nothing is touched (never acting as ourselves by default).
    guard handle.userNamespace != -2 else {
      return refused("not verifiable (its user namespace cannot be read): not read")
    }
    return .success(handle)
  }

  /// A folder opened as given, unchecked: IPCTOOL_SHM, a test's fixture.
  static func plain(_ path: String) -> Result<ShmHandle, ListingGap> {
    do throws(SystemError) {
      let folder = try FileDescriptor.open(path, O_RDONLY | O_DIRECTORY)
      let device = UInt64(try folder.status().st_dev)
      let raw = try retryingOnInterrupt("dup") { fcntl(folder.raw, F_DUPFD_CLOEXEC, 0) }
      return .success(
        ShmHandle(
          descriptor: raw, path: path, device: device, mountID: 0, mountedNames: [],
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
    let theirs = openat(process, "ns/user", O_RDONLY | O_CLOEXEC)
    guard theirs >= 0 else { return nil }
    var status = stat()
    var mine = stat()
    guard fstat(theirs, &status) == 0, stat("\(proc)/self/ns/user", &mine) == 0 else {
      close(theirs)
      return nil
    }
    guard status.st_ino != mine.st_ino || status.st_dev != mine.st_dev else {
      close(theirs)
      return -1
    }
    return theirs
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
  func objectStatus(_ name: UnsafePointer<CChar>) -> stat? {
    if isMountedOver(name) { return nil }
    var status = stat()
    var fileMount: UInt64 = 0
    guard ipcshim_fstatat_mount(descriptor, name, AT_SYMLINK_NOFOLLOW, &status, &fileMount) == 0,
      isObject(name, status, mountID: fileMount)
    else { return nil }
    return status
  }

  /// Stats one name in the folder as it is, without following a link or crossing a mount on
  /// it: -1 with errno, as fstatat; ENOENT for a mounted-on name (whatever is there is not an
  /// object of this folder).
  func status(of name: UnsafePointer<CChar>, _ status: inout stat) -> CInt {
    var fileMount: UInt64 = 0
    let result = ipcshim_fstatat_mount(descriptor, name, AT_SYMLINK_NOFOLLOW, &status, &fileMount)
    if result != 0 && errno == EXDEV { errno = ENOENT }
    return result
  }

  /// Opens one name in the folder, never across a mount on it nor through a link.
  func open(_ name: UnsafePointer<CChar>, _ flags: CInt) -> CInt {
    ipcshim_open_in_folder(descriptor, name, flags)
  }

  /// Removes one object's name, with the powers of the folder's user namespace's root.
  func unlink(_ name: IPCName, prefix: String) throws(SystemError) {
    if userNamespace < 0 {
      try retryingOnInterrupt("unlink", name.description) {
        name.withFileNameCString(prefix: prefix) { unlinkat(descriptor, $0, 0) }
      }
      return
    }
    let (step, code) = askHelper { channel in
      var step: CInt = 0
      let code = name.withFileNameCString(prefix: prefix) {
        ipcshim_namespace_root_unlink(channel, descriptor, $0, &step)
      }
      return (step, code)
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
        var step: CInt = 0
        let code = name.withFileNameCString(prefix: prefix) { cName in
          if let content {
            return content.withUnsafeBytes {
              ipcshim_namespace_root_create(
                channel, descriptor, cName, mode, $0.baseAddress, $0.count, 0, &step)
            }
          }
          return ipcshim_namespace_root_create(
            channel, descriptor, cName, mode, nil, 0, size, &step)
        }
        return (step, code)
      }
      if code != 0 { throw Self.helperFailure(step, code, name) }
      return
    }
    let file = FileDescriptor(
      raw: try retryingOnInterrupt("open", path) { ipcshim_open_tmpfile_at(descriptor, mode) })
    try retryingOnInterrupt("fchmod") { fchmod(file.raw, mode) }
    if let content {
      let written = try retryingOnInterrupt("write") {
        content.withUnsafeBytes { write(file.raw, $0.baseAddress, $0.count) }
      }
      guard written == content.count else { throw SystemError(call: "write", code: .noSpace) }
    } else if size > 0 {
      guard size <= UInt64(Int64.max) else {
        throw SystemError(call: "fallocate", code: .fileTooLarge)
      }
      let result = posix_fallocate(file.raw, 0, off_t(size))
      if result != 0 { throw SystemError(call: "posix_fallocate", code: Errno(rawValue: result)) }
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
        call: Inventory.refusedCall,
        subject: "cannot act as the root of the target's user namespace (\(Errno(rawValue: code)))",
        code: .notPermitted)
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
    var info = statvfs()
    return fstatvfs(descriptor, &info) == 0 ? info : nil
  }
}

extension ListingGap: Error {}
