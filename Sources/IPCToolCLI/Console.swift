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
  /// Why stdout could not be written (a full disk, a closed descriptor), if it could not: the
  /// command then fails, and says so on stderr. Later output is not attempted.
  public private(set) var outputFailure: Errno?

  public init(
    width: Int? = nil, out: @escaping (String) -> Void, err: @escaping (String) -> Void
  ) {
    self.writeOut = out
    self.writeErr = err
    let columns = getenv("COLUMNS").flatMap { Int(String(cString: $0)) }
    self.width = max(40, width ?? columns ?? 80)
  }

  /// The process's own stdout and stderr, written with write(2) so nothing is buffered twice.
  ///
  /// A closed pipe (`ipctool list | head -1`) ends the process with SIGPIPE, as it does
  /// coreutils: the default disposition is kept, so the shell sees 141 and nothing is said.
  public static func standard() -> Console {
    let console = Console(out: { _ in }, err: { text in _ = write(2, text) })
    console.writeOutBytes = { [unowned console] bytes in console.writeStandardOut(bytes) }
    return console
  }

  public func out(_ text: String) {
    guard writeOutBytes != nil else { return writeOut(text) }
    var text = text
    text.withUTF8 { out(UnsafeRawBufferPointer($0)) }
  }

  /// Text already made as bytes, written without a copy into a String: a listing writes
  /// megabytes of JSON.
  func out(_ parts: [ByteBuffer]) {
    guard writeOutBytes != nil else { return writeOut(parts.map(\.string).joined()) }
    for part in parts { out(part.bytes) }
  }

  private func out(_ bytes: UnsafeRawBufferPointer) {
    guard outputFailure == nil, let writeOutBytes else { return }
    writeOutBytes(bytes)
  }

  private func writeStandardOut(_ bytes: UnsafeRawBufferPointer) {
    if case .failure(let code) = Descriptors.writeAll(1, bytes) { outputFailure = code }
  }

  /// One line on stderr, prefixed as util-linux tools do.
  public func error(_ line: String) { writeErr("ipctool: " + line + "\n") }

  public func errRaw(_ text: String) { writeErr(text) }
}

/// Writes a whole String to a descriptor; stderr's failures have nowhere to be told.
private func write(_ fd: CInt, _ text: String) -> Result<Void, Errno> {
  var text = text
  return text.withUTF8 { Descriptors.writeAll(fd, UnsafeRawBufferPointer($0)) }
}
