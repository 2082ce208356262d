import Foundation
import TestSupport

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
  /// Where the mqueue mount point lives: a folder every user can reach, wherever the checkout is.
  private let scratch: TemporaryDirectory

  init(mountMqueue: Bool = true) throws {
    prefix = "/ipctool-test-\(getpid())-\(Sandbox.counter.next())"
    scratch = try TemporaryDirectory(shared: true)
    let mountPoint = scratch.file("mqueue")
    mkdir(mountPoint, 0o755)
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
  }

  deinit {
    try? holderInput.fileHandleForWriting.close()
    holder.waitUntilExit()
  }

  /// `prefix` plus a suffix: a POSIX name no other test uses.
  func name(_ suffix: String) -> String { prefix + "-" + suffix }

  /// Runs the built ipctool inside the namespace, as root or as another user (a copy other users
  /// can reach; tests that use it carry the `.otherUsersCanRunTheTool` trait).
  func run(_ arguments: [String], as user: uid_t? = nil, environment: [String: String] = [:])
    throws -> ToolRun
  {
    let tool = user == nil ? toolPath : try reachableTool()
    return try runInside([tool] + arguments, as: user, environment: environment)
  }

  /// Runs any program inside the namespace. As another user it starts in `/`, since the test's
  /// own working directory (the checkout) may be closed to that user.
  func runInside(
    _ command: [String], as user: uid_t? = nil, environment: [String: String] = [:],
    timeout: TimeInterval = 60
  ) throws -> ToolRun {
    var arguments = ["--target", String(pid), "--ipc", "--mount"]
    if let user { arguments += ["--setuid", String(user), "--setgid", String(user), "--wd=/"] }
    return try runProgram(
      "/usr/bin/nsenter", arguments + ["--"] + command, environment: environment, timeout: timeout)
  }

  private func reachableTool() throws -> String {
    guard let path = ReachableTool.path, ReachableTool.unavailableReason == nil else {
      throw SandboxError(message: ReachableTool.unavailableReason ?? "no reachable copy of ipctool")
    }
    return path
  }

  /// Runs `body` on a thread that has joined the namespace's IPC namespace, so plain System V
  /// and mq_* calls made there create objects inside the sandbox.
  func inIPCNamespace<T>(_ body: @escaping () -> T) -> T {
    do {
      return try onThread(in: .of(pid), body)
    } catch {
      preconditionFailure("\(error)")  // the holder is alive while the sandbox is
    }
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

extension Sandbox {
  /// Starts ipctool inside the namespace without waiting; nsenter execs it, so the pid is ipctool's.
  func start(_ arguments: [String]) throws -> RunningProgram {
    try RunningProgram("/usr/bin/nsenter", ["--target", String(pid), "--ipc", "--mount", "--", toolPath] + arguments)
  }
}
