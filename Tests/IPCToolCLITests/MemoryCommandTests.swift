import Testing

@testable import IPCToolCLI

/// `memory`'s command line: its views are the only values --by takes, and a wrong one is one
/// line and status 2, before anything is read.
@Suite struct MemoryCommandTests {
  @Test func anUnknownViewIsAUsageError() {
    let run = inProcess(["memory", "--by", "place\u{1b}"])
    #expect(run.status == 2)
    #expect(run.out.isEmpty)
    let line = "ipctool: invalid value 'place\\e' for '--by': expected process or container"
    #expect(run.err == line + " (see 'ipctool memory --help')\n")
  }

  @Test func anUnknownOrderIsAUsageError() {
    let run = inProcess(["memory", "--sort", "size"])
    #expect(run.status == 2 && run.out.isEmpty)
    let line = "ipctool: invalid value 'size' for '--sort': expected bytes, name or pid"
    #expect(run.err == line + " (see 'ipctool memory --help')\n")
  }

  @Test func theAliasNamesTheSameCommand() {
    #expect(inProcess(["mem", "--help"]).out == inProcess(["memory", "--help"]).out)
    #expect(inProcess(["help", "memory"]).out.contains("USAGE: ipctool memory [--by <view>]"))
  }

  /// list's selectors, all of them: an age and --unused too (issue #27), in help and usage.
  @Test func takesListsSelectors() {
    let help = inProcess(["memory", "--help"]).out
    for option in ["--kind", "--prefix", "--owner", "--older-than", "--idle", "--unused"] {
      #expect(help.contains(option), "\(option)")
    }
    let run = inProcess(["memory", "--by", "container", "--unused"])
    #expect(run.status == 2 && run.out.isEmpty)
    let line = "ipctool: selectors choose rows by place; not with '--by'"
    #expect(run.err == line + " (see 'ipctool memory --help')\n")
    let twice = inProcess(["memory", "--idle", "1h", "--older-than", "2h"])
    #expect(twice.status == 2)
    #expect(twice.err.hasPrefix("ipctool: '--idle' and '--older-than' say the same; give one"))
  }
}
