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
  func runInside(_ command: [String], as user: uid_t? = nil, environment: [String: String] = [:])
    throws -> ToolRun
  {
    var arguments = ["--target", String(pid), "--ipc", "--mount"]
    if let user { arguments += ["--setuid", String(user), "--setgid", String(user)] }
    return try runProgram("/usr/bin/nsenter", arguments + ["--"] + command, environment: environment)
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
