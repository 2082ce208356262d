import Foundation
import TestSupport

/// A real PostgreSQL cluster, initialised and run by a test inside a sandbox's namespaces as the
/// `postgres` user: socket in a folder of the test's, no TCP. Set up as the bug report was, so
/// that the 1 MB statistics segment has no user at all while the server runs.
final class PostgreSQLCluster {
  /// The newest server Debian's postgresql package installed, or nil.
  static let binaries: String? = {
    let root = "/usr/lib/postgresql"
    let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
      .compactMap(Int.init).sorted()
    return versions.last.map { "\(root)/\($0)/bin" }
      .flatMap { FileManager.default.isExecutableFile(atPath: $0 + "/postgres") ? $0 : nil }
  }()
  static let user = getpwnam("postgres").map { $0.pointee.pw_uid }
  static var group: gid_t { getpwnam("postgres").map { $0.pointee.pw_gid } ?? 0 }

  /// Why the test cannot run here, or nil.
  static let unavailableReason: String? = {
    guard binaries != nil else { return "PostgreSQL is not installed (Debian's postgresql)" }
    guard user != nil else { return "there is no postgres user" }
    return nil
  }()

  let box: Sandbox
  private let folder: TemporaryDirectory
  var data: String { folder.file("data") }
  var socket: String { folder.file("socket") }

  /// `settings` are more postgresql.conf lines ("dynamic_shared_memory_type = sysv").
  init(in box: Sandbox, settings: [String] = []) throws {
    self.box = box
    folder = try TemporaryDirectory(shared: true)
    for sub in ["data", "socket"] {
      folder.makeDirectory(sub)
      chown(folder.file(sub), Self.user!, Self.group)
    }
    let made = try asPostgres(["initdb", "-D", data, "-A", "trust", "--no-sync"])
    guard made.status == 0 else { throw SandboxError(message: "initdb failed: \(made)") }
    FileHandle(forWritingAtPath: data + "/postgresql.conf").map { file in
      file.seekToEndOfFile()
      file.write(Data("""

        listen_addresses = ''
        unix_socket_directories = '\(socket)'
        autovacuum = off
        max_logical_replication_workers = 0
        fsync = off
        \(settings.joined(separator: "\n"))

        """.utf8))
      file.closeFile()
    }
  }

  /// Ends whatever server is left, however the test went.
  deinit { killAll() }

  /// A PostgreSQL program run as postgres inside the sandbox.
  func asPostgres(_ command: [String]) throws -> ToolRun {
    var full = command
    if !full[0].hasPrefix("/") { full[0] = Self.binaries! + "/" + full[0] }
    return try box.runInside(full, as: Self.user!)
  }

  /// The postmaster, run in the foreground as the test's child: `pg_ctl start` would leave it
  /// holding the descriptor by which Foundation sees pg_ctl end, and the test would wait forever.
  private var server: RunningProgram?

  /// Starts the server and waits until it answers; false if it did not within 60 s.
  func start() throws -> Bool {
    server = try RunningProgram(
      "/usr/bin/nsenter",
      ["--target", String(box.pid), "--ipc", "--mount", "--setuid", String(Self.user!),
       "--setgid", String(Self.group), "--wd=/", "--", Self.binaries! + "/postgres", "-D", data])
    return waitUntil(timeout: 60) { (try? self.select1()) == "1" }
  }

  /// What the server wrote to its stderr (its log).
  var log: String { server?.outputSoFar ?? "" }

  func stop() throws -> ToolRun { try asPostgres(["pg_ctl", "-D", data, "-w", "stop"]) }

  /// "1" when the server answers a query.
  func select1() throws -> String {
    try asPostgres(["/usr/bin/psql", "-h", socket, "-d", "postgres", "-Atc", "select 1"])
      .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  var postmasterPID: pid_t? {
    (try? String(contentsOfFile: data + "/postmaster.pid", encoding: .utf8))
      .flatMap { $0.split(separator: "\n").first }.flatMap { pid_t($0) }
  }


  /// The server's processes: those in the sandbox's IPC namespace run by postgres. (Never the
  /// machine's own PostgreSQL, which runs in another namespace.)
  var processes: [pid_t] {
    let namespace = readLink("/proc/\(box.pid)/ns/ipc")
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap(pid_t.init).filter { pid in
      var status = stat()
      return stat("/proc/\(pid)", &status) == 0 && status.st_uid == Self.user!
        && readLink("/proc/\(pid)/ns/ipc") == namespace
    }
  }

  /// This cluster's processes: its postmaster and the postmaster's children.
  var ownProcesses: [pid_t] {
    guard let postmaster = postmasterPID else { return [] }
    return processes.filter { pid in
      pid == postmaster
        || (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))
          .flatMap { $0.split(separator: ")").last?.split(separator: " ").dropFirst(1).first }
          .flatMap { pid_t($0) } == postmaster
    }
  }

  /// A crash of this cluster alone (others in the sandbox run on): its processes killed at
  /// once, and reaped before this returns.
  func crash() {
    let pids = ownProcesses
    for pid in pids { kill(pid, SIGKILL) }
    server?.stop()
    server = nil
    for pid in pids { _ = processGone(pid) }
  }

  /// psql running `sql` (statements, one per line) against this cluster, in the background.
  func startScript(_ sql: String) throws -> RunningProgram {
    let file = folder.file("script-\(UInt32.random(in: 0...UInt32.max)).sql")
    FileManager.default.createFile(atPath: file, contents: Data(sql.utf8))
    chmod(file, 0o644)
    return try RunningProgram(
      "/usr/bin/nsenter",
      ["--target", String(box.pid), "--ipc", "--mount", "--setuid", String(Self.user!),
       "--setgid", String(Self.group), "--wd=/", "--", "/usr/bin/psql", "-h", socket, "-d", "postgres",
       "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", file])
  }

  /// A crash: every server process killed at once, and gone (reaped) before this returns.
  func killAll() {
    let pids = processes
    for pid in pids { kill(pid, SIGKILL) }
    server?.stop()
    server = nil
    for pid in pids { _ = processGone(pid) }
  }
}
