import CIPCShims
import Foundation

/// A private IPC and mount namespace with its own /dev/shm and mqueue mount, where a test's
/// objects live and die. Nothing in it can touch, or outlive the test on, the machine.
///
/// The namespace is made with unshare(1) and entered with nsenter(1); its holder process exits
/// when the test drops the sandbox (or dies, since its stdin then closes). That needs root:
/// suites that use it are enabled only for root, so without root they touch nothing.
final class Sandbox: @unchecked Sendable {
  static let isRoot = getuid() == 0
  private static let counter = Counter()

  /// The holder's pid, whose namespaces commands enter.
  let pid: pid_t
  /// /dev/shm of the namespace, as seen from the test process.
  let shmDirectory: String
  /// The mqueue mount inside the namespace (also readable from here through /proc/PID/root).
  let mqueueMount: String?
  /// A name prefix unique to this test.
  let prefix: String
  private let holder: Process
  private let holderInput: Pipe

  init(mountMqueue: Bool = true) throws {
    prefix = "/ipctool-test-\(getpid())-\(Sandbox.counter.next())"
    let mountPoint = NSTemporaryDirectory() + "ipctool-mq-\(getpid())-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
    let script = """
      mount -t tmpfs -o size=64m ipctool-test /dev/shm || exit 1
      if [ "$1" = yes ]; then mount -t mqueue none "$2" || exit 1; fi
      echo $$
      read _
      """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
    process.arguments = [
      "--ipc", "--mount", "--propagation", "private", "--fork", "--kill-child",
      "/bin/sh", "-c", script, "sh", mountMqueue ? "yes" : "no", mountPoint,
    ]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
    guard let inner = pid_t(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
      throw SandboxError(message: "the namespace did not start: '\(line)'")
    }
    pid = inner
    holder = process
    holderInput = input
    shmDirectory = "/proc/\(inner)/root/dev/shm"
    mqueueMount = mountMqueue ? mountPoint : nil
    if !mountMqueue { try? FileManager.default.removeItem(atPath: mountPoint) }
  }

  deinit {
    try? holderInput.fileHandleForWriting.close()
    holder.waitUntilExit()
    if let mqueueMount { rmdir(mqueueMount) }
  }

  /// `prefix` plus a suffix: a POSIX name no other test uses.
  func name(_ suffix: String) -> String { prefix + "-" + suffix }

  /// Runs the built ipctool inside the namespace, as root or as another user.
  func run(_ arguments: [String], as user: uid_t? = nil, environment: [String: String] = [:])
    throws -> ToolRun
  {
    try runInside([toolPath] + arguments, as: user, environment: environment)
  }

  /// Runs any program inside the namespace.
  func runInside(
    _ command: [String], as user: uid_t? = nil, environment: [String: String] = [:],
    timeout: TimeInterval = 60
  ) throws -> ToolRun {
    var arguments = ["--target", String(pid), "--ipc", "--mount"]
    if let user { arguments += ["--setuid", String(user), "--setgid", String(user)] }
    return try runProgram(
      "/usr/bin/nsenter", arguments + ["--"] + command, environment: environment, timeout: timeout)
  }

  /// Runs `body` on a thread that has joined the namespace's IPC namespace, so plain System V
  /// and mq_* calls made there create objects inside the sandbox.
  func inIPCNamespace<T>(_ body: @escaping () -> T) -> T {
    let box = ResultBox<T>(body)
    let done = DispatchSemaphore(value: 0)
    let namespace = "/proc/\(pid)/ns/ipc"
    let thread = Thread {
      let fd = open(namespace, O_RDONLY)
      precondition(fd >= 0 && ipcshim_join_ipc_namespace(fd) == 0, "setns: \(errno)")
      close(fd)
      box.value = box.body()
      done.signal()
    }
    thread.start()
    done.wait()
    return box.value!
  }
}

struct SandboxError: Error, CustomStringConvertible {
  var message: String
  var description: String { message }
}

final class Counter: @unchecked Sendable {
  private var value = 0
  private let lock = NSLock()
  func next() -> Int {
    lock.lock()
    defer { lock.unlock() }
    value += 1
    return value
  }
}

/// Carries work to another thread and its result back; the caller waits, so no race.
final class ResultBox<T>: @unchecked Sendable {
  let body: () -> T
  var value: T?
  init(_ body: @escaping () -> T) { self.body = body }
}

/// A program started in the background, for tests that signal it mid-run.
final class RunningProgram {
  let process = Process()
  private let out: TemporaryFile
  private let err: TemporaryFile

  init(_ executable: String, _ arguments: [String]) throws {
    out = try TemporaryFile()
    err = try TemporaryFile()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.standardOutput = out.handle
    process.standardError = err.handle
    process.standardInput = FileHandle.nullDevice
    try process.run()
  }

  var pid: pid_t { process.processIdentifier }

  /// The pids of the program's children, once at least `count` exist (or after `timeout`).
  func children(atLeast count: Int, timeout: TimeInterval = 20) -> [pid_t] {
    let deadline = Date().addingTimeInterval(timeout)
    var found: [pid_t] = []
    repeat {
      let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
      found = text.split(separator: " ").compactMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
      if found.count >= count { return found }
      usleep(10_000)
    } while Date() < deadline
    return found
  }

  func finish(timeout: TimeInterval = 60) -> ToolRun {
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { usleep(5000) }
    if process.isRunning { process.terminate() }
    process.waitUntilExit()
    return ToolRun(
      stdout: out.contents(), stderr: err.contents(), status: process.terminationStatus,
      signaled: process.terminationReason == .uncaughtSignal)
  }
}

extension Sandbox {
  /// Starts ipctool inside the namespace without waiting; nsenter execs it, so the pid is ipctool's.
  func start(_ arguments: [String]) throws -> RunningProgram {
    try RunningProgram("/usr/bin/nsenter", ["--target", String(pid), "--ipc", "--mount", "--", toolPath] + arguments)
  }
}

/// True once no process has this pid (reaped), waiting up to `timeout`.
func processGone(_ pid: pid_t, timeout: TimeInterval = 10) -> Bool {
  let deadline = Date().addingTimeInterval(timeout)
  repeat {
    if kill(pid, 0) != 0 && errno == ESRCH { return true }
    usleep(10_000)
  } while Date() < deadline
  return false
}
