import Glibc

/// A directory of a test's own under /tmp, removed with all it holds when the test drops it.
///
/// It is made under /tmp, never inside the checkout or `$TMPDIR`, so that a `shared` one (mode
/// 0755) can be reached by the unprivileged users some tests run as, wherever the repository was
/// cloned: a root clone in a 0700 folder must pass.
public final class TemporaryDirectory: @unchecked Sendable {
  public let path: String

  public init(shared: Bool = false) throws {
    var template = Array("/tmp/ipctool-test-XXXXXX".utf8CString)
    guard mkdtemp(&template) != nil else { throw TestSetupError("mkdtemp: errno \(errno)") }
    path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    if shared { chmod(path, 0o755) }
  }

  deinit { removeTree(path) }

  /// `path` + "/" + `relative`.
  public func file(_ relative: String) -> String { path + "/" + relative }

  /// Writes `text` to a file below the directory, making the folders on the way.
  public func write(_ relative: String, _ text: String, mode: mode_t = 0o600) throws {
    let full = file(relative)
    if let slash = full.lastIndex(of: "/") { makeFolders(String(full[..<slash])) }
    let fd = open(full, O_WRONLY | O_CREAT | O_TRUNC, mode)
    guard fd >= 0 else { throw TestSetupError("open \(full): errno \(errno)") }
    defer { close(fd) }
    _ = text.withCString { Glibc.write(fd, $0, strlen($0)) }
  }

  public func makeDirectory(_ relative: String) { makeFolders(file(relative)) }

  public func symlink(_ relative: String, to target: String) {
    _ = Glibc.symlink(target, file(relative))
  }

  /// Copies a file in, keeping its mode (a program stays executable).
  public func copy(_ source: String, as relative: String) throws {
    let input = open(source, O_RDONLY)
    guard input >= 0 else { throw TestSetupError("open \(source): errno \(errno)") }
    defer { close(input) }
    var status = stat()
    fstat(input, &status)
    let output = open(file(relative), O_WRONLY | O_CREAT | O_EXCL, status.st_mode & 0o7777)
    guard output >= 0 else { throw TestSetupError("create \(file(relative)): errno \(errno)") }
    defer { close(output) }
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    while true {
      let count = read(input, &buffer, buffer.count)
      guard count > 0 else { break }
      guard Glibc.write(output, buffer, count) == count else {
        throw TestSetupError("write \(file(relative)): errno \(errno)")
      }
    }
    fchmod(output, status.st_mode & 0o7777)
  }

  private func makeFolders(_ full: String) {
    var current = ""
    for part in full.split(separator: "/") {
      current += "/" + part
      mkdir(current, 0o700)
    }
  }
}

/// Removes a file, or a folder and everything in it, without following links.
public func removeTree(_ path: String) {
  guard let directory = opendir(path) else {
    unlink(path)
    return
  }
  while let entry = readdir(directory) {
    let name = withUnsafeBytes(of: entry.pointee.d_name) {
      String(cString: $0.bindMemory(to: CChar.self).baseAddress!)
    }
    if name == "." || name == ".." { continue }
    let child = path + "/" + name
    if entry.pointee.d_type == DT_DIR { removeTree(child) } else { unlink(child) }
  }
  closedir(directory)
  rmdir(path)
}

/// Something a test needed from the machine was not there.
public struct TestSetupError: Error, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}
