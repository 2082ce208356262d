import Foundation
import TestSupport

/// `ipctool trace` running in a sandbox, its output in files the test reads as it goes.
final class TraceRun {
  let process = Process()
  private let folder: TemporaryDirectory
  private let exited = DispatchSemaphore(value: 0)

  /// Why trace cannot run here, or nil: it needs root and a kernel with tracefs.
  static let unavailableReason: String? = {
    guard getuid() == 0 else { return "needs root (tracefs, uprobes)" }
    let filesystems = (try? String(contentsOfFile: "/proc/filesystems", encoding: .utf8)) ?? ""
    guard filesystems.contains("\ttracefs\n") else { return "the kernel has no tracefs" }
    return nil
  }()

  /// Its standard output when that is a pipe the test reads only when it chooses (`stalled`).
  private let outputPipe: Pipe?
  private var pipedOutput = Data()

  /// Starts `ipctool trace ARGUMENTS` inside `box` and waits until its events are enabled.
  /// `stalled`: its standard output is a pipe no one reads until `interruptReadingOutput`, so
  /// that trace, blocked writing, stops reading the kernel's buffer (which then overflows).
  init(_ box: Sandbox, _ arguments: [String], stalled: Bool = false, environment extra: [String: String] = [:])
    throws
  {
    folder = try TemporaryDirectory()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/nsenter")
    process.arguments = ["--target", String(box.pid), "--ipc", "--mount", "--", toolPath, "trace"] + arguments
    var environment = ProcessInfo.processInfo.environment
    environment["TZ"] = "UTC"
    environment.merge(extra) { $1 }
    process.environment = environment
    FileManager.default.createFile(atPath: folder.file("out"), contents: nil)
    FileManager.default.createFile(atPath: folder.file("err"), contents: nil)
    outputPipe = stalled ? Pipe() : nil
    process.standardOutput = try outputPipe
      ?? FileHandle(forWritingTo: URL(fileURLWithPath: folder.file("out")))
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: folder.file("err")))
    process.standardInput = FileHandle.nullDevice
    let exited = exited
    process.terminationHandler = { _ in exited.signal() }
    try process.run()
    // nsenter execs ipctool: the pid is the trace's, and so is its instances' names. A new
    // instance starts with tracing on, which trace turns off at once and on again once every
    // event is enabled, the side instance first: read in that order (through the trace's own
    // mounts), both on means ready (a side instance just made comes after the main one was
    // turned off).
    let instances = "/proc/\(pid)/root/sys/kernel/tracing/instances/ipctool-" + Self.owner(pid)
    let ready = waitUntil(timeout: 30, every: 0.01) {
      (try? String(contentsOfFile: instances + "-side/tracing_on", encoding: .utf8)) == "1\n"
        && (try? String(contentsOfFile: instances + "/tracing_on", encoding: .utf8)) == "1\n"
        || !process.isRunning
    }
    guard ready, process.isRunning else {
      interrupt()
      throw SandboxError(message: "trace did not start: \(stderr)")
    }
  }

  var pid: pid_t { process.processIdentifier }

  /// When process `pid` started (/proc/PID/stat's 22nd field), as trace names its instances
  /// ("ipctool-PID-START") and uprobe groups ("ipctool_PID_START"); "" if it is gone.
  static func startTime(_ pid: pid_t) -> String {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let close = text.lastIndex(of: ")")
    else { return "" }
    let fields = text[text.index(after: close)...].split(separator: " ")
    return fields.count > 19 ? String(fields[19]) : ""
  }

  /// "PID-START", the owner part of an instance's name.
  static func owner(_ pid: pid_t) -> String { "\(pid)-\(startTime(pid))" }

  /// This trace's owner part, read while it runs.
  private(set) lazy var owner: String = Self.owner(pid)
  var stdout: String {
    if outputPipe != nil { return String(decoding: pipedOutput, as: UTF8.self) }
    return (try? String(contentsOfFile: folder.file("out"), encoding: .utf8)) ?? ""
  }
  var stderr: String { (try? String(contentsOfFile: folder.file("err"), encoding: .utf8)) ?? "" }
  /// What trace said beyond the count of other processes' calls it could not place.
  var complaints: String { withoutUnplacedCalls(stderr) }

  /// The JSON lines printed so far.
  var events: [[String: Any]] {
    stdout.split(separator: "\n").compactMap {
      try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
  }

  /// The events of process `pid` printed so far.
  func events(of pid: pid_t) -> [[String: Any]] {
    events.filter { ($0["pid"] as? Int) == Int(pid) }
  }

  /// Sends SIGINT and returns the exit status (128 + signal if it died of one).
  @discardableResult
  func interrupt() -> Int32 {
    kill(pid, SIGINT)
    return waitForExit()
  }

  /// For a `stalled` trace: reads its output to the end, while it is sent SIGINT and ends;
  /// returns its exit status.
  func interruptReadingOutput() -> Int32 {
    guard let outputPipe else { return interrupt() }
    let reader = outputPipe.fileHandleForReading
    let done = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var data = Data()
    Thread.detachNewThread {
      data = reader.readDataToEndOfFile()
      done.signal()
    }
    let status = interrupt()
    try? outputPipe.fileHandleForWriting.close()
    done.wait()
    pipedOutput = data
    return status
  }

  /// Sends SIGKILL and waits for the end.
  func kill9() {
    kill(pid, SIGKILL)
    _ = waitForExit()
  }

  func waitForExit(timeout: TimeInterval = 30) -> Int32 {
    if exited.wait(timeout: .now() + timeout) == .timedOut {
      kill(pid, SIGKILL)
      exited.wait()
    }
    process.waitUntilExit()
    return process.terminationReason == .uncaughtSignal
      ? 128 + process.terminationStatus : process.terminationStatus
  }

  deinit {
    if process.isRunning { _ = interrupt() }
  }
}

/// `stderr` without trace's line counting calls of processes gone before their IPC namespace
/// was read: trace watches the whole machine, and the suite's other tests, running beside it,
/// start and end short-lived processes that make IPC calls. That line is about them, not about
/// the test's own calls.
func withoutUnplacedCalls(_ stderr: String) -> String {
  stderr.split(separator: "\n", omittingEmptySubsequences: false)
    .filter { !$0.contains(" not shown: made by processes gone before their IPC namespace") }  // "1 call", "2 calls"
    .joined(separator: "\n")
}
