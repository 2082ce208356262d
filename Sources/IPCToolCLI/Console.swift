import Glibc
import IPCKit

/// Where a command writes: stdout and stderr, or buffers in tests.
public final class Console: @unchecked Sendable {
  private let writeOut: (String) -> Void
  private let writeErr: (String) -> Void
  /// Writes bytes as they are; nil for consoles that collect Strings (tests).
  private var writeOutBytes: ((UnsafeRawBufferPointer) -> Void)?
  /// The width help wraps to: $COLUMNS, else 80.
  public let width: Int

  public init(
    width: Int? = nil, out: @escaping (String) -> Void, err: @escaping (String) -> Void
  ) {
    self.writeOut = out
    self.writeErr = err
    let columns = getenv("COLUMNS").flatMap { Int(String(cString: $0)) }
    self.width = max(40, width ?? columns ?? 80)
  }

  /// The process's own stdout and stderr, written with write(2) so nothing is buffered twice.
  public static func standard() -> Console {
    let console = Console(out: { writeAll(1, $0) }, err: { writeAll(2, $0) })
    console.writeOutBytes = { writeAll(1, $0) }
    return console
  }

  public func out(_ text: String) { writeOut(text) }

  /// Text already made as bytes, written without a copy into a String: a listing writes
  /// megabytes of JSON.
  func out(_ parts: [ByteBuffer]) {
    guard let writeOutBytes else { return writeOut(parts.map(\.string).joined()) }
    for part in parts { writeOutBytes(part.bytes) }
  }

  /// One line on stderr, prefixed as util-linux tools do.
  public func error(_ line: String) { writeErr("ipctool: " + line + "\n") }

  public func errRaw(_ text: String) { writeErr(text) }
}

private func writeAll(_ fd: CInt, _ text: String) {
  var text = text
  text.withUTF8 { writeAll(fd, UnsafeRawBufferPointer($0)) }
}

private func writeAll(_ fd: CInt, _ buffer: UnsafeRawBufferPointer) {
  // A closed pipe (ipctool list | head) is not an error worth a word.
  _ = Descriptors.writeAll(fd, buffer)
}
