import Foundation

/// A program started in the background, its output captured in files of its own.
public final class RunningProgram {
  public let process = Process()
  private let exited = DispatchSemaphore(value: 0)
  private let scratch: TemporaryDirectory

  /// Starts `executable`. The environment is the test's, with `COLUMNS=100` and `TZ=UTC` so
  /// output does not depend on the terminal or the machine, plus `environment`.
  public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
    scratch = try TemporaryDirectory()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env["COLUMNS"] = "100"
    env["TZ"] = "UTC"
    for (key, value) in environment { env[key] = value }
    process.environment = env
    _ = FileManager.default.createFile(atPath: scratch.file("out"), contents: nil)
    _ = FileManager.default.createFile(atPath: scratch.file("err"), contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch.file("out")))
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch.file("err")))
    process.standardInput = FileHandle.nullDevice
    let exited = exited
    process.terminationHandler = { _ in exited.signal() }
    try process.run()
  }

  public var pid: pid_t { process.processIdentifier }

  /// The pids of the program's children, once at least `count` exist (or after `timeout`).
  public func children(atLeast count: Int, timeout: TimeInterval = 60) -> [pid_t] {
    var found: [pid_t] = []
    waitUntil(timeout: timeout) {
      let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
      found = text.split(separator: " ").compactMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
      return found.count >= count
    }
    return found
  }

  /// Ends the program now, with SIGKILL, and reaps it. (SIGTERM is not enough: a program
  /// started from the test runner's threads inherits their signal mask, SIGTERM blocked.)
  public func stop() {
    kill(pid, SIGKILL)
    exited.wait()
    process.waitUntilExit()
  }

  /// Waits for the program to end (asking it to stop, then killing it, after `timeout`), and
  /// returns what it printed.
  public func finish(timeout: TimeInterval = 60) -> ToolRun {
    if exited.wait(timeout: .now() + timeout) == .timedOut {
      kill(pid, SIGKILL)  // SIGTERM may be blocked: see `stop`
      exited.wait()
    }
    process.waitUntilExit()
    return ToolRun(
      stdout: text(of: "out"), stderr: text(of: "err"), status: process.terminationStatus,
      signaled: process.terminationReason == .uncaughtSignal,
      stdoutBytes: [UInt8](FileManager.default.contents(atPath: scratch.file("out")) ?? Data()))
  }

  /// What the program has written to stderr so far.
  public var outputSoFar: String { text(of: "err") }

  private func text(of file: String) -> String {
    (try? String(contentsOfFile: scratch.file(file), encoding: .utf8)) ?? ""
  }
}

/// True once no process has this pid (reaped), waiting up to `timeout`.
public func processGone(_ pid: pid_t, timeout: TimeInterval = 60) -> Bool {
  waitUntil(timeout: timeout) { kill(pid, 0) != 0 && errno == ESRCH }
}
