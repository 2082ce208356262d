import Foundation
import TestSupport
import Testing

/// The completion scripts driven in the real shells, against real objects in a sandbox.
@Suite(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"))
struct CompletionShellTests {
  /// A sandbox holding objects to complete, one with a space and one with a quote in its name.
  func sandbox() throws -> Sandbox {
    let box = try Sandbox()
    for arguments in [
      ["create", "posix-shm", "/pi_rw", "--size", "4K"], ["create", "posix-sem", "/pi_sem"],
      ["create", "posix-shm", "/my seg", "--size", "1"], ["create", "posix-shm", "/it's", "--size", "1"],
      ["create", "sysv-shm", "--size", "1M"], ["create", "posix-mq", "/pi_q"],
    ] {
      let run = try box.run(arguments)
      try #require(run.status == 0, "\(run)")
    }
    box.segment(named: Array("v".utf8) + [0xFF])  // not UTF-8: offered escaped, as list shows it
    return box
  }

  /// Runs a shell inside the sandbox with the built ipctool first on PATH.
  func shell(_ box: Sandbox, _ program: String, _ arguments: [String]) throws -> [String] {
    let path = URL(fileURLWithPath: toolPath).deletingLastPathComponent().path
    let run = try box.runInside(
      ["/usr/bin/env", "PATH=\(path):/usr/bin:/bin", program] + arguments)
    #expect(run.stderr == "", "\(run)")
    return run.stdout.split(separator: "\n").map(String.init)
  }

  func bash(_ box: Sandbox, _ line: String) throws -> [String] {
    let script = """
      source \(repository)/completions/ipctool.bash
      COMP_LINE=$1; COMP_POINT=${#COMP_LINE}
      read -ra COMP_WORDS <<<"$COMP_LINE"; [[ $COMP_LINE == *' ' ]] && COMP_WORDS+=('')
      COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
      _ipctool
      printf '%s\\n' "${COMPREPLY[@]}"
      """
    return try shell(box, "bash", ["--norc", "-c", script, "bash", line])
  }

  func fish(_ box: Sandbox, _ line: String) throws -> [String] {
    let script = "source \(repository)/completions/ipctool.fish; complete -C $argv[1]"
    return try shell(box, "fish", ["--no-config", "-c", script, line])
      .map { String($0.split(separator: "\t", maxSplits: 1).first ?? "") }
  }

  /// What zsh offers for `line`; with `shown`, what its list shows for the matches that have
  /// a display string, in order.
  func zsh(_ box: Sandbox, _ line: String, shown: Bool = false) throws -> [String] {
    let harness = "\(repository)/Tests/IPCToolEndToEndTests/Support/zsh-complete.zsh"
    return try shell(box, "zsh", ["-f", harness, "\(repository)/completions", line] + (shown ? ["shown"] : []))
  }

  @Test(.enabled(if: installed("bash"), "bash is not installed"))
  func bashCompletesCommandsOptionsValuesAndObjects() throws {
    let box = try sandbox()
    #expect(try bash(box, "ipctool li") == ["list", "limits"])
    #expect(try bash(box, "ipctool list --ki") == ["--kind"])
    #expect(try bash(box, "ipctool list --kind sysv-s") == ["sysv-shm", "sysv-sem"])
    #expect(try bash(box, "ipctool list --kind=sysv-s") == ["sysv-shm", "sysv-sem"])
    #expect(try bash(box, "ipctool pi --ipc po") == ["posix-mq", "posix-shm", "posix"])
    #expect(try bash(box, "ipctool inspect /pi") == ["/pi_q", "/pi_rw", "/pi_sem"])
    #expect(try bash(box, "ipctool unlink sysv-shm:") == ["0"])  // bash replaces after the ':'
    #expect(try bash(box, "ipctool clean --prefix /m") == ["/my\\ seg"])
    #expect(try bash(box, "ipctool inspect /it") == ["/it\\'s"])
    #expect(try bash(box, "ipctool create ").count == 6)
    #expect(try bash(box, "ipctool list --owner roo") == ["root"])
    // Quoted for the shell, the escaped name reaches ipctool as "/v\xff": that one object.
    #expect(try bash(box, "ipctool inspect /v") == ["/v\\\\xff"])
    // help is a subcommand like the others; it names every other one and not itself.
    #expect(try bash(box, "ipctool he") == ["help"])
    #expect(try bash(box, "ipctool help cl") == ["clean"])
    let helpable = try bash(box, "ipctool help ")
    #expect(helpable.contains("clean") && !helpable.contains("help"), "\(helpable)")
    // --target offers processes: the sandbox's holder among them.
    let pids = try bash(box, "ipctool list --target \(box.pid)")
    #expect(pids.contains(String(box.pid)), "\(pids)")
  }

  @Test(.enabled(if: installed("fish"), "fish is not installed (apt-get install fish)"))
  func fishCompletesCommandsOptionsValuesAndObjects() throws {
    let box = try sandbox()
    #expect(try fish(box, "ipctool li") == ["limits", "list"])
    #expect(try fish(box, "ipctool list --ki") == ["--kind"])
    #expect(try fish(box, "ipctool list --kind sysv-s") == ["sysv-sem", "sysv-shm"])
    #expect(try fish(box, "ipctool inspect /pi") == ["/pi_q", "/pi_rw", "/pi_sem"])
    #expect(try fish(box, "ipctool unlink sysv-shm:") == ["sysv-shm:0"])
    #expect(try fish(box, "ipctool clean --prefix /m") == ["/my seg"])
    #expect(try fish(box, "ipctool inspect /v") == ["/v\\xff"])
    #expect(try fish(box, "ipctool help cl") == ["clean"])
    let helpable = try fish(box, "ipctool help ")
    #expect(helpable.contains("clean") && !helpable.contains("help"), "\(helpable)")
    // --target offers processes: the sandbox's holder among them.
    let pids = try fish(box, "ipctool list --target \(box.pid)")
    #expect(pids.contains(String(box.pid)), "\(pids)")
  }

  @Test(.enabled(if: installed("zsh"), "zsh is not installed (apt-get install zsh)"))
  func zshCompletesCommandsOptionsValuesAndObjects() throws {
    let box = try sandbox()
    #expect(try zsh(box, "ipctool li") == ["limits", "list"])
    #expect(try zsh(box, "ipctool list --ki") == ["--kind"])
    #expect(try zsh(box, "ipctool list --kind sysv-s") == ["sysv-sem", "sysv-shm"])
    #expect(try zsh(box, "ipctool inspect /pi") == ["/pi_q", "/pi_rw", "/pi_sem"])
    #expect(try zsh(box, "ipctool unlink sysv-shm:") == ["sysv-shm:0"])
    #expect(try zsh(box, "ipctool clean --prefix /m") == ["/my seg"])
    #expect(try zsh(box, "ipctool inspect /v") == ["/v\\xff"])
    #expect(try zsh(box, "ipctool help cl") == ["clean"])
    let helpable = try zsh(box, "ipctool help ")
    #expect(helpable.contains("clean") && !helpable.contains("help"), "\(helpable)")
    // --target offers processes: the sandbox's holder among them.
    let pids = try zsh(box, "ipctool list --target \(box.pid)")
    #expect(pids.contains(String(box.pid)), "\(pids)")
  }

  @Test(.otherUsersCanRunTheTool) func theCallbackIsSilentAndListsCandidates() throws {
    let box = try sandbox()
    let refs = try box.run(["__complete", "refs", "sysv"])
    #expect(refs.stdout == "sysv-shm:0\tSystem V shared memory segment, 1.0M\n")
    let names = try box.run(["__complete", "names", "pi_"])
    #expect(names.stdout == "/pi_q\tposix-mq\n/pi_rw\tposix-shm\n/pi_sem\tposix-sem\n")
    // Without the mqueue mount and without root: still no word on stderr.
    let quiet = try Sandbox(mountMqueue: false).run(["__complete", "refs", ""], as: 65534)
    #expect(quiet.status == 0 && quiet.stderr == "")
  }

  /// Past 200 candidates, the callback offers groups: the longest prefixes that keep them to
  /// 200, each as long as its members share, which the shells insert without a space.
  /// 450 segments /grp_1_000 ... /grp_3_149: 45 groups of ten, "/grp_1_00" to "/grp_3_14".
  @Test func manyCandidatesComeInGroups() throws {
    let box = try Sandbox()
    for group in 1...3 {
      for index in 0..<150 { box.segment(named: Array("grp_\(group)_\(String(format: "%03d", index))".utf8)) }
    }
    let decades = (1...3).flatMap { group in (0..<15).map { "/grp_\(group)_\(String(format: "%02d", $0))" } }
    let grouped = try box.run(["__complete", "names", "/grp"])
    #expect(grouped.lines == decades.map { $0 + "\t10 matches, type more\tgroup" }, "\(grouped)")
    // References with no word: "/grp_…" and "posix-shm:/grp_…", 900 in all, in at most 200
    // lines that account for every one.
    let references = try box.run(["__complete", "refs", ""]).lines.map { $0.split(separator: "\t").map(String.init) }
    let counted = references.map { $0.count == 3 ? Int($0[1].prefix { $0.isNumber }) ?? 0 : 1 }.reduce(0, +)
    #expect(references.count <= 200 && counted == 900, "\(references.count) lines for \(counted)")
    #expect(references.contains { $0.first?.hasPrefix("posix-shm:/grp_") == true && $0.last == "group" })
    // Typed further, 100 match: offered one by one.
    let narrowed = try box.run(["__complete", "names", "/grp_1_0"])
    #expect(narrowed.lines.count == 100 && narrowed.lines.first == "/grp_1_000\tposix-shm", "\(narrowed)")
    // bash lists the groups as "prefix…", not as names (it inserts only what they share).
    if installed("bash") { #expect(try bash(box, "ipctool inspect /grp") == decades.map { $0 + "…" }) }
    if installed("zsh") {
      #expect(try zsh(box, "ipctool inspect /grp") == decades)
      // zsh lists them one a line, in order, each with its count.
      #expect(try zsh(box, "ipctool inspect /grp", shown: true) == decades.map { $0 + "…  10 matches, type more" })
    }
    if installed("fish") { #expect(try fish(box, "ipctool inspect /grp") == decades) }
  }

  /// Lists complete after a comma (--kind, -o, pi --ipc), and System V objects by key after
  /// "KIND:0x", in each shell.
  @Test func commasAndKeysComplete() throws {
    let box = try sandbox()
    _ = try box.run(["create", "sysv-mq", "--key", "0xabc"])
    if installed("bash") {
      #expect(try bash(box, "ipctool list --kind sysv,posix-s") == ["sysv,posix-shm", "sysv,posix-sem"])
      #expect(try bash(box, "ipctool list -o ref,ow") == ["ref,owner"])
      #expect(try bash(box, "ipctool pi --ipc pipe,sock") == ["pipe,socketpair"])
      #expect(try bash(box, "ipctool inspect sysv-mq:0x") == ["0x00000abc"])  // bash replaces after the ':'
    }
    if installed("zsh") {
      #expect(try zsh(box, "ipctool list --kind sysv,posix-s") == ["posix-sem", "posix-shm"])
      #expect(try zsh(box, "ipctool inspect sysv-mq:0x") == ["sysv-mq:0x00000abc"])
    }
    if installed("fish") {
      #expect(try fish(box, "ipctool list --kind sysv,posix-s") == ["sysv,posix-sem", "sysv,posix-shm"])
      #expect(try fish(box, "ipctool inspect sysv-mq:0x") == ["sysv-mq:0x00000abc"])
    }
  }
}
