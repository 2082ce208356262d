import Foundation
import TestSupport
import Testing

/// The outputs scripts read (`--raw`, `--pairs`, `--shell`) and the column choice lsipc users
/// bring (`-o REF,OWNER`, `-o +key`), with names made to break them.
@Suite(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"))
struct ScriptOutputTests {
  /// A space, both quotes, a dollar, a command substitution, backticks, a backslash, a newline
  /// and an invalid byte: each must come back as the one cell `list` shows.
  static let hostile: [[UInt8]] = [
    Array("x plain".utf8), Array("x\"q'uote".utf8), Array("x$(touch canary)".utf8),
    Array("x`id`$HOME".utf8), Array("x\\back".utf8), Array("x\nnew".utf8), Array("x".utf8) + [0xFF],
  ]

  func box() throws -> Sandbox {
    let box = try Sandbox()
    for name in Self.hostile { box.segment(named: name) }
    return box
  }

  /// The references `list --json` gives, in listing order.
  func references(_ box: Sandbox) throws -> [String] {
    try box.run(["list", "--json", "--prefix", "/x"]).objects().compactMap { $0["ref"] as? String }
  }

  @Test(.enabled(if: installed("bash"), "bash is not installed"))
  func pairsEvaluateInAShellToTheCellsShown() throws {
    let box = try box()
    let expected = try references(box)
    try #require(expected.count == Self.hostile.count)
    for option in ["--pairs", "--shell"] {
      let run = try box.run(["list", option, "-o", "ref,owner", "--prefix", "/x"])
      #expect(run.status == 0, "\(run)")
      let folder = try TemporaryDirectory()
      try run.stdout.write(toFile: folder.file("pairs"), atomically: false, encoding: .utf8)
      // Each line evaluated by a real shell, in its folder: nothing in a name may run.
      let script = "cd \"$1\"; while IFS= read -r line; do eval \"$line\"; printf '%s|%s\\n' \"$REF\" \"$OWNER\"; done <pairs"
      let shell = try runProgram("/bin/bash", ["--norc", "-c", script, "bash", folder.path])
      #expect(shell.lines == expected.map { $0 + "|root" }, "\(option): \(run.stdout)\n\(shell)")
      #expect(!FileManager.default.fileExists(atPath: folder.file("canary")), "a name ran a command")
    }
  }

  @Test func rawLinesSplitOnSpacesIntoTheirCells() throws {
    let box = try box()
    let expected = try references(box)
    let run = try box.run(["list", "--raw", "-o", "ref,owner,changed", "--prefix", "/x"])
    #expect(run.status == 0, "\(run)")
    #expect(run.lines.first == "REF OWNER CHANGED")
    let rows = run.lines.dropFirst().map { $0.split(separator: " ", omittingEmptySubsequences: false) }
    #expect(rows.allSatisfy { $0.count == 3 }, "\(run.stdout)")
    #expect(rows.map { String($0[0]).replacing("\\x20", with: " ") } == expected, "\(run.stdout)")
    #expect(try box.run(["list", "--raw", "--no-headings", "--prefix", "/x"]).lines.count == expected.count)
  }

  @Test func columnsAreNamedAsLsipcUsersTypeThem() throws {
    let box = try Sandbox()
    box.segment(named: Array("cols".utf8))
    // Any case; '+' adds to the default columns.
    #expect(try box.run(["list", "-o", "REF,Owner"]).lines == ["REF              OWNER", "posix-shm:/cols  root"])
    let added = try box.run(["list", "-o", "+key", "--no-headings"])
    #expect(added.lines.first?.hasPrefix("posix-shm:/cols  root  ") == true && added.lines.first?.hasSuffix("  -") == true, "\(added)")
    // A bad name is named, with the ones there are.
    let bad = try box.run(["list", "-o", "ref,bogus"])
    #expect(bad.status == 2 && bad.stderr.hasPrefix("ipctool: unknown column 'bogus' for '--output'; columns: namespace, container, ref,"), "\(bad)")
    // --json keeps to the columns asked for.
    let json = try box.run(["list", "--json", "-o", "ref,owner"]).objects()
    #expect(json.map { Set($0.keys) } == [["ref", "owner", "uid"]], "\(json)")
    // The users column brings the scan that fills it: "-" (nobody), not "?" (not looked).
    #expect(try box.run(["list", "-o", "ref,users", "--no-headings"]).lines == ["posix-shm:/cols  -"])
    // lsipc's spelling, the former one still accepted; -n is --dry-run's letter (in clean).
    #expect(try box.run(["list", "--noheadings", "-o", "ref"]).stdout == "posix-shm:/cols\n")
    #expect(try box.run(["list", "--no-headings", "-o", "ref"]).stdout == "posix-shm:/cols\n")
    #expect(try box.run(["list", "-n"]).status == 2)
    let both = try box.run(["list", "--raw", "--json"])
    #expect(both.status == 2 && both.stderr.contains("'--raw' and '--json' cannot be combined"), "\(both)")
  }

  /// lsipc's columns: the key shown by default for System V, ids, group, numeric permissions,
  /// creator ids and pids (with the command while the process runs), the state of a segment
  /// and each kind's times.
  @Test(.enabled(if: installed("python3"), "python3 is not installed (it attaches the segment)"))
  func theColumnsLsipcHas() throws {
    let box = try Sandbox()
    let made = try box.run(["create", "sysv-shm", "--key", "0x1234", "--size", "1K", "--mode", "0640"])
    let id = try #require(Int32(made.stdout.split(separator: ":").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""), "\(made)")
    #expect(try box.run(["list", "--kind", "sysv"]).lines.first?.split(separator: " ")
      == ["REF", "KEY", "OWNER", "MODE", "SIZE", "USAGE", "CHANGED", "IDLE"])
    // lsipc's names, typed from habit, in its case.
    let habit = try box.run(["list", "--kind", "sysv-shm", "-o", "KEY,ID,PERMS,UID,USER,GID,CUSER,CGROUP,NATTCH", "--noheadings"])
    #expect(habit.lines.first?.split(separator: " ") == ["0x00001234", "\(id)", "0640", "0", "root", "0", "root", "root", "0", "attached"], "\(habit)")
    let columns = "id,key,group,perms,cuid,cgid,cpid,lpid,status,attach"
    let row = try box.run(["list", "--kind", "sysv-shm", "-o", columns, "--noheadings"]).lines.first?.split(separator: " ")
    #expect(row?.count == 10 && row?[0...5] == ["\(id)", "0x00001234", "root", "0640", "0", "0"], "\(String(describing: row))")
    #expect(row.map { Int($0[6]) != nil && $0[7...9] == ["-", "-", "-"] } == true, "the creator has ended: its pid alone")
    // Attached by a running process, then marked for removal: its pid with its command.
    let attacher = try box.attacher(id)
    defer { attacher.stop() }
    _ = try box.run(["unlink", "sysv-shm:\(id)"])
    let attached = try box.run(["list", "--kind", "sysv-shm", "-o", "lpid,status", "--raw", "--noheadings"])
    #expect(attached.lines.count == 1 && attached.lines.first?.hasPrefix("\(attacher.pid)\\x20(") == true
      && attached.lines.first?.contains("python3") == true
      && attached.lines.first?.hasSuffix(" dest") == true, "\(attached)")
  }

  /// --sort by any column, numbers as numbers; -r reverses; --time-format as lsipc's and more.
  @Test func sortingAndTimeFormats() throws {
    let box = try Sandbox()
    for (name, size) in [("s_b", 2048), ("s_a", 100), ("s_c", 10_000)] { box.segment(named: Array(name.utf8), size: size) }
    func refs(_ arguments: [String]) throws -> [String] {
      try box.run(["list", "--prefix", "/s_", "-o", "ref", "--noheadings"] + arguments).lines
    }
    #expect(try refs(["--sort", "size"]) == ["posix-shm:/s_a", "posix-shm:/s_b", "posix-shm:/s_c"])
    #expect(try refs(["--sort", "SIZE", "-r"]) == ["posix-shm:/s_c", "posix-shm:/s_b", "posix-shm:/s_a"])
    #expect(try refs(["-r"]) == ["posix-shm:/s_c", "posix-shm:/s_b", "posix-shm:/s_a"])
    #expect(try box.run(["list", "--sort", "bogus"]).status == 2)
    let now = Int(Date().timeIntervalSince1970)
    let unix = try box.run(["list", "--prefix", "/s_a", "-o", "changed", "--noheadings", "--time-format", "unix"])
    #expect(unix.lines.first.flatMap { Int($0) }.map { abs($0 - now) < 60 } == true, "\(unix)")
    let relative = try box.run(["list", "--prefix", "/s_a", "-o", "changed", "--noheadings", "--time-format", "relative"])
    #expect(relative.lines.first?.hasSuffix("s ago") == true, "\(relative)")
    let iso = try box.run(["list", "--prefix", "/s_a", "-o", "changed", "--noheadings", "--time-format", "iso"])
    #expect(iso.lines.first?.contains("T") == true && iso.lines.first?.count == 24, "\(iso)")
    #expect(try box.run(["list", "--time-format", "bogus"]).status == 2)
  }

  /// A table's USERS cell names the first of many and counts the rest; JSON names them all.
  @Test(.enabled(if: installed("python3"), "python3 is not installed (it maps the segment)"))
  func aLongUsersCellIsCapped() throws {
    let box = try Sandbox()
    box.segment(named: Array("capped".utf8), size: 4096)
    let mapper = try RunningProgram(
      "/usr/bin/nsenter",
      ["--target", String(box.pid), "--ipc", "--mount", "--", "python3", "-c", """
        import ctypes, mmap, os, time
        f = open("/dev/shm/capped", "r+b")
        m = mmap.mmap(f.fileno(), 4096)
        for _ in range(4):
            if os.fork() == 0:
                ctypes.CDLL(None).prctl(1, 9)  # PR_SET_PDEATHSIG: go with the parent
                break
        time.sleep(60)
        """])
    defer { mapper.stop() }
    let five = waitUntil {
      ((try? box.run(["list", "--users", "--json", "--prefix", "/capped"]).objects().first?["users"]) as? [Any])?.count == 5
    }
    try #require(five, "the five processes never mapped it")
    let cell = try box.run(["list", "-o", "users", "--noheadings", "--prefix", "/capped"]).stdout
    #expect(cell.hasPrefix("\(mapper.pid) (") && cell.hasSuffix(") +4\n"), "\(cell)")
  }
}
