import Foundation
import TestSupport

/// A real terminal for a full-screen program: a tmux server of the test's own (its own socket,
/// no configuration file read), one window of a given size running an interactive shell inside
/// a sandbox, driven with send-keys and read back with capture-pane.
///
/// The server runs in the foreground (-D) as the test's child: a daemon forked by `tmux
/// new-session` would keep the descriptor by which Foundation sees its client end, and the
/// test would wait forever (as `pg_ctl start` would: see PostgreSQLCluster).
final class TmuxPane {
  static let available = installed("tmux")
  private static let counter = Counter()

  /// The server's socket, in the test's folder (-S): no other tmux is ever asked.
  let socket: String
  private let server: RunningProgram
  /// A folder of the test's, for files the shell in the pane writes.
  let scratch: TemporaryDirectory

  /// Starts bash (no rc files, prompt "ready$ ") inside `box`'s namespaces on a terminal
  /// `width` by `height`, with `environment` set.
  init(_ box: Sandbox, width: Int = 120, height: Int = 30, environment: [String: String] = [:])
    throws
  {
    scratch = try TemporaryDirectory()
    socket = scratch.file("tmux-\(Self.counter.next())")
    server = try RunningProgram("/usr/bin/tmux", ["-S", socket, "-f", "/dev/null", "-D"])
    let variables = ["PS1=ready$ ", "TERM=screen", "TZ=UTC"]
      + environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    let shell = ["/usr/bin/nsenter", "--target", String(box.pid), "--ipc", "--mount", "--",
      "/usr/bin/env", "-u", "NO_COLOR"] + variables + ["/bin/bash", "--norc", "--noprofile", "-i"]
    let session = ["new-session", "-d", "-x", String(width), "-y", String(height)]
      + [shell.map(quoted).joined(separator: " ")]
    // A client that finds no server starts one of its own, a daemon: wait for the socket.
    guard waitUntil(every: 0.02, { FileManager.default.fileExists(atPath: self.socket) }) else {
      throw SandboxError(message: "tmux never started: \(server.outputSoFar)")
    }
    try tmux(session)
    guard waitUntil({ self.lines().last(where: { !$0.isEmpty })?.hasPrefix("ready$") == true }) else {
      throw SandboxError(message: "the shell in tmux never prompted: \(lines())")
    }
  }

  /// The panes hung up, then the server ended.
  deinit {
    _ = try? tmux(["kill-server"])
    server.stop()
  }

  /// Types `text` and, with `enter`, Enter.
  func type(_ text: String, enter: Bool = true) throws {
    try tmux(["send-keys", "-l", text])
    if enter { try tmux(["send-keys", "Enter"]) }
  }

  /// Presses a key by tmux's name for it ("C-c", "Enter").
  func press(_ key: String) throws { try tmux(["send-keys", key]) }

  /// The screen's lines as shown; with `attributes`, with the escape sequences of colors and
  /// attributes tmux keeps for each cell.
  func lines(attributes: Bool = false) -> [String] {
    let run = try? tmux(["capture-pane", "-p"] + (attributes ? ["-e"] : []))
    var lines = run?.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) ?? []
    if lines.last == "" { lines.removeLast() }  // after the last line's newline
    return lines
  }

  /// A tmux format of the pane: "#{alternate_on}" is 1 while the program has the alternate
  /// screen, "#{cursor_flag}" 1 while the cursor shows.
  func format(_ format: String) -> String {
    ((try? tmux(["display-message", "-p", format]))?.stdout ?? "")
      .trimmingCharacters(in: .whitespacesAndNewlines)
  }

  func resize(width: Int, height: Int) throws {
    try tmux(["resize-window", "-x", String(width), "-y", String(height)])
  }

  /// Waits for the screen to show what `condition` looks for.
  @discardableResult
  func waitFor(_ condition: ([String]) -> Bool) -> Bool {
    waitUntil(every: 0.05) { condition(self.lines()) }
  }

  @discardableResult
  private func tmux(_ arguments: [String]) throws -> ToolRun {
    let run = try runProgram("/usr/bin/tmux", ["-S", socket] + arguments)
    guard run.status == 0 else { throw SandboxError(message: "tmux \(arguments): \(run)") }
    return run
  }
}

/// A word as sh reads it back: single-quoted.
private func quoted(_ word: String) -> String {
  "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
