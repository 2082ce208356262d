import Foundation
import TestSupport
import Testing

/// `watch` on a real terminal (tmux, in the sandbox's namespaces): the table appears with the
/// test's objects, a queue's rate moves while a process sends to it, a resize redraws to the
/// new width, q, Ctrl-C and SIGTERM each give the terminal back as it was, names are escaped
/// on screen, NO_COLOR is obeyed; and a pipe gets plain tables.
@Suite(
  .enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"),
  .enabled(if: TmuxPane.available, "tmux is not installed (it is the terminal watch is driven on)"))
struct WatchTests {
  /// The row of `reference` split into its cells (a mark, if any, first).
  static func row(_ lines: [String], _ reference: String) -> [String]? {
    lines.map { $0.split(separator: " ").map(String.init) }.first { $0.contains(reference) }
  }

  /// The terminal's settings as `stty -g` prints them, written by the shell in the pane to a
  /// file, so that before and after can be compared.
  static func settings(_ pane: TmuxPane, _ name: String) throws -> String {
    let file = pane.scratch.file(name)
    try pane.type("stty -g > \(file)")
    #expect(waitUntil { ((try? String(contentsOfFile: file, encoding: .utf8)) ?? "").hasSuffix("\n") })
    return try String(contentsOfFile: file, encoding: .utf8)
  }

  /// The exit status the shell in the pane saw last, echoed under a mark of its own (an
  /// earlier echo may still be on the screen).
  static func lastStatus(_ pane: TmuxPane) throws -> String? {
    let mark = "status\(statusMarks.next())="
    try pane.type("echo \(mark)$?")
    var status: String?
    pane.waitFor { lines in
      status = lines.last { $0.hasPrefix(mark) }.map { String($0.dropFirst(mark.count)) }
      return status != nil
    }
    return status
  }

  static let statusMarks = Counter()

  /// The pid `sh -c 'echo $$ > FILE; exec ipctool watch'` wrote, read once the file holds the
  /// whole line and the watch has the screen: a header on the screen alone proves neither (a
  /// line left on the shell's screen by an earlier watch or job message can match it).
  static func watchPid(_ pane: TmuxPane, _ file: String) throws -> pid_t {
    let written = waitUntil {
      ((try? String(contentsOfFile: file, encoding: .utf8)) ?? "").hasSuffix("\n")
    }
    try #require(written, "the shell never ran the watch: \(pane.lines())")
    #expect(waitUntil { pane.format("#{alternate_on}") == "1" }, "\(pane.lines())")
    #expect(pane.waitFor { $0.contains { $0.hasPrefix("ipctool watch ") } }, "\(pane.lines())")
    return try #require(pid_t(try String(contentsOfFile: file, encoding: .utf8)
      .trimmingCharacters(in: .whitespacesAndNewlines)))
  }

  @Test func theTableAppearsAndQGivesTheTerminalBack() throws {
    let box = try Sandbox()
    let queue = box.name("jobs")
    #expect(try box.run(["create", "posix-mq", queue]).status == 0)
    let pane = try TmuxPane(box)
    let before = try Self.settings(pane, "before")
    try pane.type("\(toolPath) watch -d 0.5")
    let shown = pane.waitFor { lines in
      lines.contains { $0.hasPrefix("ipctool watch ") } && lines.contains { $0.contains("IN/S") }
        && Self.row(lines, "posix-mq:" + queue) != nil
    }
    #expect(shown, "\(pane.lines())")
    #expect(pane.format("#{alternate_on}") == "1" && pane.format("#{cursor_flag}") == "0")
    try pane.press("q")
    #expect(waitUntil { pane.format("#{alternate_on}") == "0" }, "\(pane.lines())")
    #expect(try Self.lastStatus(pane) == "0")
    #expect(pane.format("#{cursor_flag}") == "1")
    #expect(try Self.settings(pane, "after") == before, "the terminal's settings as they were")
    #expect(!pane.lines().contains { $0.contains("IN/S") }, "the shell's screen back: \(pane.lines())")
  }

  @Test func ctrlZCtrlCAndSIGTERMGiveTheTerminalBack() throws {
    let box = try Sandbox()
    let pane = try TmuxPane(box)
    let before = try Self.settings(pane, "before")
    try pane.type("\(toolPath) watch -d 0.5")
    #expect(pane.waitFor { $0.contains { $0.hasPrefix("ipctool watch ") } }, "\(pane.lines())")
    // Ctrl-Z: the terminal given back while it is stopped, taken again by fg.
    try pane.press("C-z")
    #expect(pane.waitFor { $0.contains { $0.contains("Stopped") } }, "\(pane.lines())")
    #expect(pane.format("#{alternate_on}") == "0")
    #expect(try Self.settings(pane, "stopped") == before)
    try pane.type("fg")
    #expect(waitUntil { pane.format("#{alternate_on}") == "1" }, "\(pane.lines())")
    #expect(pane.waitFor { $0.contains { $0.hasPrefix("ipctool watch ") } }, "\(pane.lines())")
    try pane.press("C-c")
    #expect(waitUntil { pane.format("#{alternate_on}") == "0" }, "\(pane.lines())")
    #expect(try Self.lastStatus(pane) == "130")
    #expect(try Self.settings(pane, "after-int") == before)

    // SIGTERM from outside, to the watch (sh execs it, so the pid written is its).
    let pidFile = pane.scratch.file("pid")
    try pane.type("sh -c 'echo $$ > \(pidFile); exec \(toolPath) watch -d 0.5'")
    let pid = try Self.watchPid(pane, pidFile)
    kill(pid, SIGTERM)
    #expect(waitUntil { pane.format("#{alternate_on}") == "0" }, "\(pane.lines())")
    #expect(try Self.lastStatus(pane) == "143")
    #expect(try Self.settings(pane, "after-term") == before)
  }

  /// SIGUSR1 (as SIGUSR2, SIGALRM, SIGPIPE, every default-fatal signal) gives the terminal back
  /// too, and the watch then dies by it, as uncaught: the shell sees 128 + 10.
  @Test func sigusr1GivesTheTerminalBackAndEndsByIt() throws {
    let box = try Sandbox()
    let pane = try TmuxPane(box)
    let before = try Self.settings(pane, "before")
    let pidFile = pane.scratch.file("pid")
    try pane.type("sh -c 'echo $$ > \(pidFile); exec \(toolPath) watch -d 0.5'")
    let pid = try Self.watchPid(pane, pidFile)
    #expect(pane.format("#{cursor_flag}") == "0")
    kill(pid, SIGUSR1)
    #expect(waitUntil { pane.format("#{alternate_on}") == "0" }, "\(pane.lines())")
    #expect(try Self.lastStatus(pane) == "138")
    #expect(pane.format("#{cursor_flag}") == "1")
    #expect(try Self.settings(pane, "after") == before)
  }

  /// One long name (anyone can make one in /dev/shm) is cut with "…", and OWNER, SIZE, USAGE,
  /// the rates and IDLE all stay, at 120 columns as at 250.
  @Test func aLongNameDoesNotHideTheOtherColumns() throws {
    let box = try Sandbox()
    let long = box.name(String(repeating: "L", count: 200))
    #expect(try box.run(["create", "posix-shm", long, "--size", "4096"]).status == 0)
    let pane = try TmuxPane(box)
    try pane.type("\(toolPath) watch -d 30")
    let all: [Substring] = ["REF", "OWNER", "SIZE", "USAGE", "IN/S", "OUT/S", "NET/S", "CHANGE", "IDLE"]
    for width in [120, 250] {
      try pane.resize(width: width, height: 20)
      var row: [String] = []
      #expect(
        pane.waitFor { lines in
          // The cells after the mark ('+' while the object is new).
          row = lines.first { $0.contains("posix-shm:" + long.prefix(30)) }.map {
            $0.split(separator: " ").map(String.init).filter { $0 != "+" }
          } ?? []
          return lines.contains { $0.split(separator: " ") == all } && row.count >= 9
            && row[0].hasSuffix("…")
        }, "\(width): \(pane.lines())")
      for line in pane.lines() { #expect(line.count <= width) }
    }
    try pane.press("q")
  }

  @Test func aQueuesRateMovesWhileAProcessSends() throws {
    let box = try Sandbox()
    let made = try box.run(["create", "sysv-mq"])
    let queue = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    try #require(made.status == 0, "\(made)")
    let pane = try TmuxPane(box)
    try pane.type("\(toolPath) watch -d 1 -o ref,in,out,net")
    #expect(pane.waitFor { Self.row($0, queue)?.suffix(3) == ["0", "0", "0"] }, "\(pane.lines())")
    // Ten messages a second, until stopped.
    let sender = try RunningProgram(
      "/usr/bin/nsenter",
      ["--target", String(box.pid), "--ipc", "--mount", "--", "/bin/sh", "-c",
       "while \(toolPath) send \(queue) m >/dev/null; do sleep 0.1; done"])
    var cells: [String] = []
    let moved = pane.waitFor { lines in
      cells = Self.row(lines, queue) ?? []
      return cells.count == 4 && (Double(cells[1]) ?? 0) > 0
    }
    sender.stop()
    #expect(moved, "IN/S never rose: \(pane.lines())")
    #expect(cells.count == 4 && cells[2] == "0" && cells[3].hasPrefix("+"), "sends only: \(cells)")
    #expect(pane.waitFor { Self.row($0, queue)?.suffix(3) == ["0", "0", "0"] }, "back to 0: \(pane.lines())")
    try pane.press("q")
  }

  /// At 120 columns every default column shows; at 60 the ones that give way are gone from the
  /// header (a screen tmux only cut would still show them), and back at 120 they return.
  @Test func aResizeRedrawsToTheNewWidth() throws {
    let box = try Sandbox()
    #expect(try box.run(["create", "posix-mq", box.name("q")]).status == 0)
    let pane = try TmuxPane(box)
    try pane.type("\(toolPath) watch -d 30")  // no refresh of its own: only the resize redraws
    func header(_ lines: [String]) -> [Substring] {
      lines.first { $0.contains("REF") }?.split(separator: " ") ?? []
    }
    #expect(pane.waitFor { header($0).contains("OWNER") && header($0).contains("IDLE") }, "\(pane.lines())")
    try pane.resize(width: 60, height: 20)
    #expect(
      pane.waitFor { lines in
        header(lines).contains("IN/S") && !header(lines).contains("OWNER") && lines.count == 20
      }, "\(pane.lines())")
    for line in pane.lines() { #expect(line.count <= 60) }
    try pane.resize(width: 120, height: 30)
    #expect(pane.waitFor { header($0).contains("OWNER") }, "\(pane.lines())")
    try pane.press("q")
  }

  /// A name with a newline, an escape sequence and a byte that is not UTF-8 shows as list
  /// prints it, and sets no color on the terminal; with NO_COLOR nothing does.
  @Test func namesAreEscapedOnScreenAndNoColorIsObeyed() throws {
    let box = try Sandbox()
    let typed = box.name("x") + "\\nforged\\e[31m\\xff"
    #expect(try box.run(["create", "posix-shm", typed, "--size", "1"]).status == 0)
    let pane = try TmuxPane(box)
    try pane.type("\(toolPath) watch -d 0.5")
    #expect(pane.waitFor { $0.contains { $0.contains("posix-shm:" + typed) } }, "\(pane.lines())")
    let colored = pane.lines(attributes: true).joined(separator: "\n")
    #expect(!colored.contains("\u{1B}[31m") && !colored.contains("\u{1B}[0;31m"), "no red: \(colored)")
    #expect(colored.contains("\u{1B}[7m"), "the header in reverse video: \(colored)")
    try pane.press("q")

    let plain = try TmuxPane(box, environment: ["NO_COLOR": "1"])
    try plain.type("\(toolPath) watch -d 0.5")
    #expect(plain.waitFor { $0.contains { $0.contains("IN/S") } }, "\(plain.lines())")
    let attributes = plain.lines(attributes: true).joined(separator: "\n")
    #expect(!attributes.contains("\u{1B}["), "NO_COLOR: no attribute at all: \(attributes)")
    try plain.press("q")
  }

  /// Sort and filter keys: `>` sorts by the first column, `/` filters by a name prefix.
  @Test func keysSortAndFilter() throws {
    let box = try Sandbox()
    for suffix in ["b", "a"] {
      #expect(try box.run(["create", "posix-shm", box.name(suffix), "--size", "1"]).status == 0)
    }
    #expect(try box.run(["create", "posix-mq", box.name("c")]).status == 0)
    let pane = try TmuxPane(box)
    try pane.type("\(toolPath) watch -d 30 -o ref")
    func refs(_ lines: [String]) -> [String] {
      lines.compactMap { $0.split(separator: " ").map(String.init).first { $0.hasPrefix("posix-") } }
    }
    let listing = ["posix-mq:" + box.name("c"), "posix-shm:" + box.name("a"), "posix-shm:" + box.name("b")]
    #expect(pane.waitFor { refs($0) == listing }, "\(pane.lines())")
    try pane.type("r", enter: false)
    #expect(pane.waitFor { refs($0) == listing.reversed() }, "\(pane.lines())")
    try pane.type("r/" + String(box.name("a").dropFirst()), enter: false)
    try pane.press("Enter")
    #expect(pane.waitFor { refs($0) == ["posix-shm:" + box.name("a")] }, "\(pane.lines())")
    try pane.press("q")
  }

  /// Off a terminal: one plain table per interval, no escape byte, --count of them.
  @Test func aPipeGetsPlainTables() throws {
    let box = try Sandbox()
    #expect(try box.run(["create", "posix-mq", box.name("jobs")]).status == 0)
    #expect(try box.run(["create", "posix-shm", box.name("x") + "\\e[2J", "--size", "1"]).status == 0)
    let run = try box.run(["watch", "-d", "0.2", "--count", "3"])
    #expect(run.status == 0, "\(run)")
    #expect(!run.stdoutBytes.contains(0x1B), "no escape byte: \(run)")
    #expect(run.lines.filter { $0.hasPrefix("ipctool watch ") }.count == 3, "\(run)")
    #expect(run.lines.filter { $0.contains("IN/S") }.count == 3, "\(run)")
    #expect(run.lines.filter { $0.contains("posix-mq:" + box.name("jobs")) }.count == 3, "\(run)")
    #expect(run.stdout.contains("posix-shm:" + box.name("x") + "\\e[2J"), "\(run)")
  }

  /// With every namespace: the sandbox's objects under its namespace's inode, as list -A
  /// tags them.
  @Test func everyNamespaceTagsTheSandboxsObjects() throws {
    let box = try Sandbox()
    #expect(try box.run(["create", "sysv-mq"]).status == 0)
    var status = stat()
    try #require(stat("/proc/\(box.pid)/ns/ipc", &status) == 0)
    let run = try runProgram(toolPath, ["watch", "-A", "-c", "1", "-o", "namespace,ref", "--kind", "sysv-mq"])
    #expect(run.status == 0, "\(run)")
    #expect(run.lines.contains { $0.split(separator: " ") == ["\(status.st_ino)", "sysv-mq:0"] }, "\(run)")
  }

  /// An object made while watch runs is marked '+', then shown '-' once removed, then gone.
  @Test func newAndGoneObjectsAreMarked() throws {
    let box = try Sandbox()
    #expect(try box.run(["create", "posix-mq", box.name("old")]).status == 0)
    let pane = try TmuxPane(box)
    try pane.type("\(toolPath) watch -d 0.3 -o ref")
    #expect(pane.waitFor { Self.row($0, "posix-mq:" + box.name("old")) != nil }, "\(pane.lines())")
    let segment = "posix-shm:" + box.name("new")
    #expect(try box.run(["create", "posix-shm", box.name("new"), "--size", "1"]).status == 0)
    #expect(pane.waitFor { Self.row($0, segment) == ["+", segment] }, "\(pane.lines())")
    #expect(try box.run(["unlink", segment]).status == 0)
    #expect(pane.waitFor { Self.row($0, segment) == ["-", segment] }, "\(pane.lines())")
    #expect(pane.waitFor { Self.row($0, segment) == nil }, "\(pane.lines())")
    try pane.press("q")
  }

  @Test func badOptionsAreOneLine() throws {
    let box = try Sandbox()
    for arguments in [["--interval", "0"], ["--count", "0"], ["-o", "nope"], ["--sort", "x"]] {
      let run = try box.run(["watch"] + arguments)
      #expect(run.status == 2 && run.stdout.isEmpty, "\(arguments): \(run)")
      #expect(run.stderr.split(separator: "\n").count == 1, "\(arguments): \(run)")
    }
  }
}
