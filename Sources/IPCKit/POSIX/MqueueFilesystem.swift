import CIPCShims
import Glibc

/// The mqueue filesystem, the only place that lists POSIX message queues.
///
/// It is often not mounted. Root can still read it through a detached mount (fsopen and
/// fsmount) that belongs to this process alone and disappears with it.
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
    if let mounted = mountPoint(paths), let directory = try? FileDescriptor.open(mounted, flags) {
      return .directory(directory)
    }
    let detached = ipcshim_open_private_mqueue_mount()
    guard detached >= 0 else {
      return .unavailable(.queuesNotMounted)
    }
    // fsmount gives an O_PATH descriptor; a readable one is needed for readdir.
    let mount = FileDescriptor(raw: detached)
    do {
      return .directory(try FileDescriptor.open(".", flags, relativeTo: mount.raw))
    } catch {
      return .unavailable(.privateQueueMountFailed(code: error.code))
    }
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
    var bytes: [UInt8] = []
    var input = Array(field.utf8)[...]
    while let byte = input.popFirst() {
      if byte == UInt8(ascii: "\\"), input.count >= 3,
        let code = UInt8(String(decoding: input.prefix(3), as: UTF8.self), radix: 8)
      {
        bytes.append(code)
        input = input.dropFirst(3)
      } else {
        bytes.append(byte)
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
