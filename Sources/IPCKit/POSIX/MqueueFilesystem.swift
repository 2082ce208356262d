import CIPCShims
import Glibc

/// The mqueue filesystem, the only place that lists POSIX message queues.
///
/// It is often not mounted. Root can still read it through a detached mount (fsopen and
/// fsmount) that belongs to this process alone and disappears with it.
///
/// Each IPC namespace has its own mqueue filesystem, and the mount table shows the mount
/// namespace's mounts, which may be another IPC namespace's (after `unshare --ipc`, or
/// `nsenter --ipc` without `--mount`): listing that one would name another namespace's queues,
/// and removing them by name would remove this namespace's namesakes. So root always reads a
/// mount it makes now, in this namespace; others read a mounted one only once it is proven to
/// be this namespace's, by the device of a queue opened here.
enum MqueueFilesystem {
  enum Access: ~Copyable {
    case directory(FileDescriptor)
    case unavailable(ListingGap)
  }

  /// Opens the queue directory: the configured one, a mounted one, or a private mount.
  static func open(_ paths: IPCPaths) -> Access {
    let flags = O_RDONLY | O_DIRECTORY
    if let configured = paths.mqueue {
      do {
        return .directory(try FileDescriptor.open(configured, flags))
      } catch {
        return .unavailable(.queueDirectoryUnreadable(path: configured, code: error.code))
      }
    }
    guard case .success(let mount) = NamespaceCalls.privateMqueueMount() else {
      guard let mounted = mountPoint(paths), let directory = try? FileDescriptor.open(mounted, flags)
      else { return .unavailable(.queuesNotMounted) }
      switch isThisNamespaces(directory) {
      case true?: return .directory(directory)
      case false?: return .unavailable(.queueMountOfAnotherNamespace(path: mounted))
      case nil: return .unavailable(.queueMountUnproven(path: mounted))
      }
    }
    // fsmount gives an O_PATH descriptor; a readable one is needed for readdir.
    do {
      return .directory(try FileDescriptor.open(".", flags, relativeTo: mount.raw))
    } catch {
      return .unavailable(.privateQueueMountFailed(code: error.code))
    }
  }

  /// Whether a mounted queue directory is this IPC namespace's: a queue opened by name in this
  /// namespace (mq_open always goes to this namespace's filesystem) must be on its device. One
  /// it lists that this user may open is enough; else a nameless probe queue, made and unlinked
  /// at once. Nil when neither can be had.
  static func isThisNamespaces(_ directory: borrowing FileDescriptor) -> Bool? {
    guard let device = try? directory.status().st_dev else { return nil }
    var missing = 0
    for entry in (try? directory.directoryEntries()) ?? [] {
      let name = IPCName(fileName: entry.name)
      do {
        let queue = try PosixMessageQueue.open(name)
        return (try? queue.status().st_dev) == device
      } catch where error.code == .noSuchFileOrDirectory {
        missing += 1  // listed there, absent here (or just removed)
      } catch {
        continue  // not this user's to open
      }
    }
    if let probe = probeDevice() { return probe == device }
    return missing > 0 ? false : nil
  }

  /// The device of this namespace's mqueue filesystem, from a queue made for the purpose (one
  /// message of one byte, mode 0) and unlinked at once; nil if none could be made.
  private static func probeDevice() -> UInt64? {
    let random = String(UInt64.random(in: 0...UInt64.max), radix: 36)
    let name = IPCName(fileName: Array("ipctool-probe-\(getpid())-\(random)".utf8))
    var attributes = mq_attr()
    attributes.mq_maxmsg = 1
    attributes.mq_msgsize = 1
    guard
      case .success(let raw) = MessageQueueCalls.open(
        name, O_CREAT | O_EXCL | O_RDONLY, attributes: attributes)
    else { return nil }
    let queue = FileDescriptor(raw: raw)
    _ = PosixMessageQueue.unlinking(name)
    return (try? queue.status()).map { UInt64($0.st_dev) }
  }

  /// Where the mount table says an mqueue filesystem is mounted.
  static func mountPoint(_ paths: IPCPaths) -> String? {
    guard let table = readTextFile(paths.proc + "/self/mounts") else { return nil }
    for line in table.split(separator: "\n") {
      let fields = line.split(separator: " ")
      if fields.count > 2 && fields[2] == "mqueue" {
        return unescapeMountField(fields[1])
      }
    }
    return nil
  }

  /// The mount table writes space, tab, newline and backslash as octal escapes.
  static func unescapeMountField(_ field: Substring) -> String {
    String(decoding: MountInfo.unescape(Array(field.utf8)[...]), as: UTF8.self)
  }
}
