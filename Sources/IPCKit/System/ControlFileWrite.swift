import Glibc

/// Writing a kernel control file (tracefs, /proc/sys): one write of the whole text, as `echo`
/// does, since the kernel acts on each write as a command.
enum ControlFileWrite {
  /// Writes `text` to `path` in one write(2). `append` opens with O_APPEND and without
  /// O_TRUNC, as `>>` does: tracefs clears uprobe_events when it is opened for truncation.
  ///
  /// The corresponding C calls are `open(2)` and `write(2)`.
  static func write(_ text: String, to path: String, append: Bool = false) throws(SystemError) {
    let flags = O_WRONLY | (append ? O_APPEND : O_TRUNC)
    let file = try FileDescriptor.open(path, flags)
    var bytes = Array(text.utf8)
    let count = bytes.count
    let written = try retryingOnInterrupt("write", path) {
      bytes.withUnsafeMutableBytes { Glibc.write(file.raw, $0.baseAddress, count) }
    }
    if written != count { throw SystemError(call: "write", subject: path, code: .invalidArgument) }
  }
}
