import Foundation
import TestSupport

/// A folder a hostile target points ipctool at: made by the test, filled with root's files of
/// several modes, and compared byte for byte (names, contents, modes, owners) afterwards.
final class VictimFolder {
  let path: String
  private let scratch: TemporaryDirectory?

  /// A new folder below `parent` (a folder the test made), or in a shared folder of its own.
  init(in parent: String? = nil) throws {
    if let parent {
      scratch = nil
      path = parent + "/victim"
    } else {
      let folder = try TemporaryDirectory(shared: true)
      scratch = folder
      path = folder.file("victim")
    }
    guard mkdir(path, 0o755) == 0 || errno == EEXIST else { throw TestSetupError("mkdir \(path): errno \(errno)") }
    chmod(path, 0o755)
    for (name, mode, text) in [("passwd", 0o644, "root:x:0:0\n"), ("shadow", 0o600, "root:*:1::\n"), ("x", 0o666, "")] {
      let fd = open(path + "/" + name, O_WRONLY | O_CREAT | O_EXCL, mode_t(mode))
      guard fd >= 0 else { throw TestSetupError("create \(name): errno \(errno)") }
      _ = text.withCString { write(fd, $0, strlen($0)) }
      fchmod(fd, mode_t(mode))
      close(fd)
    }
  }

  deinit { if scratch == nil { removeTree(path) } }

  /// Every file's name, mode, owner and contents.
  func snapshot() -> [String] {
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    return names.map { name in
      var status = stat()
      lstat(path + "/" + name, &status)
      let bytes = FileManager.default.contents(atPath: path + "/" + name) ?? Data()
      return "\(name) \(String(status.st_mode, radix: 8)) \(status.st_uid):\(status.st_gid) \(Array(bytes))"
    }
  }
}
