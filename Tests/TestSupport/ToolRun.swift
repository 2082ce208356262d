import Foundation

/// What one run of a program printed and how it ended.
public struct ToolRun: CustomStringConvertible {
  public var stdout: String
  public var stderr: String
  public var status: Int32
  public var signaled: Bool
  /// stdout exactly as written: `stdout` is empty where it is not valid UTF-8.
  public var stdoutBytes: [UInt8] = []

  public var description: String {
    "exit \(status)\(signaled ? " (signal)" : "")\nstdout:\n\(stdout)\nstderr:\n\(stderr)"
  }

  public var lines: [String] { stdout.split(separator: "\n").map(String.init) }

  /// The `objects` array of a JSON document.
  public func objects() throws -> [[String: Any]] {
    let document = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any]
    return document?["objects"] as? [[String: Any]] ?? []
  }
}

/// Runs a program to its end (stopping it after `timeout` seconds), capturing its output.
public func runProgram(
  _ executable: String, _ arguments: [String], environment: [String: String] = [:],
  timeout: TimeInterval = 60
) throws -> ToolRun {
  try RunningProgram(executable, arguments, environment: environment).finish(timeout: timeout)
}

/// The repository's top folder, found from this file.
public let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent().path

/// Whether a program is installed where Debian puts it.
public func installed(_ tool: String) -> Bool {
  ["/usr/bin/", "/bin/", "/usr/local/bin/"].contains {
    FileManager.default.isExecutableFile(atPath: $0 + tool)
  }
}
