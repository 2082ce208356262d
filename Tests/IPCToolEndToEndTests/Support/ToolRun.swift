import Foundation

/// What one run of a program printed and how it ended.
struct ToolRun: CustomStringConvertible {
  var stdout: String
  var stderr: String
  var status: Int32
  var signaled: Bool

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

/// The built `ipctool`, next to this test bundle.
let toolPath: String = {
  let bundle = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
  return bundle.deletingLastPathComponent().appendingPathComponent("ipctool").path
}()

/// Runs a program to its end (killing it after `timeout` seconds), capturing its output.
func runProgram(
  _ executable: String, _ arguments: [String], environment: [String: String] = [:],
  timeout: TimeInterval = 60
) throws -> ToolRun {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  var env = ProcessInfo.processInfo.environment
  env["COLUMNS"] = "100"
  env["TZ"] = "UTC"
  for (key, value) in environment { env[key] = value }
  process.environment = env
  let out = try TemporaryFile()
  let err = try TemporaryFile()
  process.standardOutput = out.handle
  process.standardError = err.handle
  process.standardInput = FileHandle.nullDevice
  try process.run()
  let deadline = Date().addingTimeInterval(timeout)
  while process.isRunning {
    if Date() > deadline { process.terminate() }
    usleep(2000)
  }
  return ToolRun(
    stdout: out.contents(), stderr: err.contents(), status: process.terminationStatus,
    signaled: process.terminationReason == .uncaughtSignal)
}

/// A file that captures a child's output and removes itself.
final class TemporaryFile {
  let path: String
  let handle: FileHandle

  init() throws {
    path = NSTemporaryDirectory() + "ipctool-test-\(getpid())-\(UUID().uuidString)"
    _ = FileManager.default.createFile(atPath: path, contents: nil)
    handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
  }

  func contents() -> String {
    (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
  }

  deinit {
    try? handle.close()
    unlink(path)
  }
}
