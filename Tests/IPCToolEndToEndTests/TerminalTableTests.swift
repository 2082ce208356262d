import Foundation
import TestSupport
import Testing

/// `list` on a terminal, through a real pseudo-terminal (util-linux's script): the table fits
/// the terminal's width and explains "n/a"; on a pipe nothing is cut and nothing is added.
@Suite(
  .enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"),
  .enabled(if: installed("script"), "script (util-linux) is not installed"),
  .enabled(if: installed("python3"), "python3 is not installed (it plays the program using a segment)"))
struct TerminalTableTests {
  /// A segment mapped by a Python worker started from a long path, a System V queue (whose
  /// users the kernel does not record) and a segment.
  func sandbox(_ scratch: TemporaryDirectory) throws -> (Sandbox, RunningProgram) {
    let box = try Sandbox()
    for arguments in [
      ["create", "posix-shm", "/frames", "--size", "4M"], ["create", "sysv-mq"],
      ["create", "sysv-shm", "--size", "1M"],
    ] {
      let made = try box.run(arguments)
      try #require(made.status == 0, "\(made)")
    }
    let script = "srv/app/workers/ingest_worker.py"
    try scratch.write(script, """
      import mmap, os, sys, time
      fd = os.open("/dev/shm/frames", os.O_RDWR)
      view = mmap.mmap(fd, 4096)
      print("mapped", file=sys.stderr, flush=True)
      time.sleep(600)  # until the test stops it
      """)
    let worker = try RunningProgram(
      "/usr/bin/nsenter",
      ["--target", String(box.pid), "--ipc", "--mount", "--", "/usr/bin/python3",
       scratch.file(script), "--queue", "jobs", "--verbose"])
    try #require(waitUntil { worker.outputSoFar.contains("mapped") }, "never mapped: \(worker.outputSoFar)")
    return (box, worker)
  }

  /// Runs ipctool on a terminal `columns` wide and returns its lines.
  func onTerminal(_ box: Sandbox, columns: Int, _ arguments: [String]) throws -> [String] {
    let command = (["stty", "cols", String(columns), ";", toolPath] + arguments).joined(separator: " ")
    let run = try box.runInside(["/usr/bin/script", "-qec", command, "/dev/null"])
    #expect(run.status == 0, "\(run)")
    return run.stdout.split(whereSeparator: \.isNewline).map(String.init)  // "\r\n" from the tty
  }

  @Test func theTableFitsTheTerminalAndExplainsNA() throws {
    let scratch = try TemporaryDirectory()
    let (box, worker) = try sandbox(scratch)
    defer { worker.stop() }
    for columns in [80, 100] {
      let lines = try onTerminal(box, columns: columns, ["list", "--users"])
      for line in lines { #expect(line.count <= columns, "\(columns) columns: \(line)") }
      // The reference whole, the script's name in sight.
      let row = lines.first { $0.hasPrefix("posix-shm:/frames ") } ?? ""
      #expect(row.contains("(python3 …/ingest_worker.py"), "\(lines)")
      #expect(lines.contains { $0.hasPrefix("USERS n/a: ") }, "\(lines)")
    }
    // Wide enough: every default column, nothing elided.
    let wide = try onTerminal(box, columns: 200, ["list", "--users"])
    #expect(wide.first?.split(separator: " ").contains("CHANGED") == true, "\(wide)")
    // Columns asked for by name stay, whatever the width.
    let asked = try onTerminal(box, columns: 40, ["list", "-o", "ref,changed,idle"])
    #expect(asked.first?.split(separator: " ") == ["REF", "CHANGED", "IDLE"], "\(asked)")
    // On a pipe: the whole table, no note.
    let piped = try box.run(["list", "--users"])
    #expect(piped.lines.contains { $0.count > 80 } && !piped.stdout.contains("USERS n/a"), "\(piped)")
    #expect(piped.lines.first?.split(separator: " ").contains("CHANGED") == true, "\(piped)")
  }

  /// limits on a terminal: no line passes its width (on 80 columns, what each limit is goes
  /// under its row); a wide one keeps the WHAT column; on a pipe each limit is one line.
  @Test func limitsFitTheTerminal() throws {
    let box = try Sandbox()
    let lines = try onTerminal(box, columns: 80, ["limits"])
    for line in lines { #expect(line.count <= 80, "\(line)") }
    let row = try #require(lines.firstIndex { $0.hasPrefix("msgmni ") }, "\(lines)")
    #expect(lines[row + 1] == "    System V message queues", "\(lines)")
    let wide = try onTerminal(box, columns: 200, ["limits"])
    #expect(wide.first?.hasSuffix("WHAT") == true, "\(wide)")
    #expect(wide.contains { $0.hasPrefix("msgmni ") && $0.hasSuffix("System V message queues") }, "\(wide)")
    let piped = try box.run(["limits"])
    #expect(piped.lines.allSatisfy { !$0.hasPrefix(" ") } && piped.lines.contains { $0.count > 80 }, "\(piped)")
  }
}
