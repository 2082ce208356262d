import Foundation
import IPCKit
import TestSupport
import Testing

@testable import IPCToolCLI

/// Help and usage errors, as swift-argument-parser users know them.
@Suite struct HelpTests {
  @Test func helpHasTheUsualSections() {
    let bare = inProcess([])
    #expect(bare.status == 2 && bare.out == "")
    #expect(bare.err == "ipctool: no subcommand given (see 'ipctool --help')\n", "\(bare.err)")
    let root = inProcess(["--help"])
    #expect(root.status == 0 && root.err == "")
    for heading in ["OVERVIEW:", "USAGE: ipctool <subcommand>", "OPTIONS:", "SUBCOMMANDS:", "EXAMPLES:"] {
      #expect(root.out.contains(heading))
    }
    let list = inProcess(["list", "--help"])
    for heading in ["OVERVIEW:", "USAGE: ipctool list", "OPTIONS:", "  -k, --kind <kind>"] {
      #expect(list.out.contains(heading))
    }
    #expect(inProcess(["help", "list"]).out == list.out)
    #expect(inProcess(["list", "-h"]).out == list.out)
    #expect(inProcess(["pi", "--help"]).out.contains("(default: 10000000)"))
  }

  @Test func helpWrapsToTheWidth() {
    for width in [40, 80, 120] {
      let lines = inProcess(["clean", "--help"], width: width).out.split(separator: "\n")
      // Example commands are not broken: they are meant to be copied.
      let prose = lines.filter { !$0.hasPrefix("  ipctool ") }
      #expect(prose.allSatisfy { $0.count <= width }, "width \(width)")
    }
  }

  @Test func versionAndSuggestions() {
    #expect(inProcess(["--version"]).out == "ipctool \(CommandLineDescription.version)\n")
    let typo = inProcess(["inspekt", "/x"])
    #expect(typo.status == 2)
    #expect(typo.err == "ipctool: unknown subcommand 'inspekt'; did you mean 'inspect'? (see 'ipctool --help')\n")
    let option = inProcess(["clean", "--dryrun"])
    #expect(option.err == "ipctool: unknown option '--dryrun'; did you mean '--dry-run'? (see 'ipctool clean --help')\n")
    #expect(inProcess(["completions", "tcsh"]).status == 2)
    #expect(inProcess(["help", "nope"]).status == 2)
  }

  /// Each spelling of an option reaches the command as the same value.
  @Test func optionsTakeEveryUsualForm() throws {
    let list = try #require(CommandLineDescription.subcommand(named: "list"))
    for form in [["--kind", "sem"], ["--kind=sem"], ["-k", "sem"], ["-ksem"], ["-bksem"]] {
      let parsed = try ArgumentParser(command: list).parse(form)
      #expect(parsed.typed(SharedOptions.kind) == "sem", "\(form)")
      #expect(try parsed.selectedKinds() == [.posixSemaphore, .sysvSemaphore], "\(form)")
      #expect(parsed.flag(ListCommand.bytes) == form.contains("-bksem"), "\(form)")
    }
    let inspect = try #require(CommandLineDescription.subcommand(named: "inspect"))
    #expect(try ArgumentParser(command: inspect).parse(["--", "-x"]).positionals == ["-x"])
    #expect(inProcess(["list", "--json=yes"]).err.contains("option '--json' takes no value"))
    #expect(inProcess(["list", "--", "-x"]).err.contains("unexpected argument '-x'"))
  }

  /// -o's help fits a glance (it was about 30 lines); what each column holds is in the man page,
  /// one line each, and in the completions.
  @Test func outputHelpIsShortAndTheManPageNamesEachColumn() {
    let help = inProcess(["list", "--help"], width: 80).out.split(separator: "\n")
    let start = help.firstIndex { $0.hasPrefix("  -o, --output <columns>") } ?? help.endIndex
    let end = help[(start + 1)...].firstIndex { $0.hasPrefix("  -") } ?? help.endIndex
    #expect(end - start <= 10, "\(help[start..<end].joined(separator: "\n"))")
    let man = inProcess(["__manpage"]).out
    #expect(man.contains(".B cpid\nSystem V segment's creator pid"), "cpid's line in the man page")
  }
}
