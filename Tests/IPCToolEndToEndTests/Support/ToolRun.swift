import Foundation

/// What one run of a program printed and how it ended.
struct ToolRun: CustomStringConvertible {
  var stdout: String
  var stderr: String
  var status: Int32
  var signaled: Bool
  /// stdout exactly as written: `stdout` is empty where it is not valid UTF-8.
  var stdoutBytes: [UInt8] = []

  var description: String {
    "exit \(status)\(signaled ? " (signal)" : "")\nstdout:\n\(stdout)\nstderr:\n\(stderr)"
  }

  var lines: [String] { stdout.split(separator: "\n").map(String.init) }

  /// The `objects` array of a JSON document.
  func objects() throws -> [[String: Any]] {
    let document = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any]
    return document?["objects"] as? [[String: Any]] ?? []
  }
}

/// The built `ipctool`, next to this test bundle. Only root may be able to reach it (a clone in
/// a 0700 folder): runs as other users use `ReachableTool.path`.
let toolPath: String = {
  let bundle = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
  return bundle.deletingLastPathComponent().appendingPathComponent("ipctool").path
}()

/// Runs a program to its end (stopping it after `timeout` seconds), capturing its output.
func runProgram(
  _ executable: String, _ arguments: [String], environment: [String: String] = [:],
  timeout: TimeInterval = 60
) throws -> ToolRun {
  try RunningProgram(executable, arguments, environment: environment).finish(timeout: timeout)
}
