import Glibc

/// Where a message's bytes come from when they are not typed: a file, or standard input.
public enum MessageSource {
  /// The largest message any queue can take (POSIX fs.mqueue.msgsize_max tops out at 16 MiB).
  public static let cap = 1 << 24

  /// Reads the whole file (`path` nil: standard input, left open), at most `cap` + 1 bytes, so
  /// that a caller sees a message larger than any queue takes instead of a silent truncation.
  public static func read(_ path: String?) throws(SystemError) -> [UInt8] {
    guard let path else { return try readStandardInput() }
    let file = try FileDescriptor.open(path, O_RDONLY)
    return try file.read(upTo: cap + 1)
  }

  private static func readStandardInput() throws(SystemError) -> [UInt8] {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while bytes.count <= cap {
      let result = chunk.withUnsafeMutableBytes { Descriptors.read(0, into: $0) }
      let count: Int
      switch result {
      case .success(let read): count = read
      case .failure(.interrupted): continue
      case .failure(let code):
        throw SystemError(call: "read", subject: "standard input", code: code)
      }
      if count == 0 { break }
      bytes.append(contentsOf: chunk[0..<count])
    }
    return bytes
  }
}
