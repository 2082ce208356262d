import Foundation
import IPCKit
import Testing

@testable import IPCToolCLI

/// The repository's top folder, found from this file.
let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent().path

func installed(_ tool: String) -> Bool {
  ["/usr/bin/", "/bin/", "/usr/local/bin/"].contains { FileManager.default.isExecutableFile(atPath: $0 + tool) }
}

/// Runs ipctool in this process (no kernel objects involved) and returns stdout, stderr, status.
func inProcess(_ arguments: [String], width: Int = 80) -> (out: String, err: String, status: Int32) {
  var out = ""
  var err = ""
  let console = Console(width: width, out: { out += $0 }, err: { err += $0 })
  let status = IPCTool.run(arguments, console: console)
  return (out, err, status.rawValue)
}

/// The committed scripts and man page are exactly what the command description makes.
@Suite struct GeneratedFilesTests {
  @Test(arguments: [("bash", "ipctool.bash"), ("zsh", "_ipctool"), ("fish", "ipctool.fish")])
  func committedCompletionsMatchTheBinary(shell: String, file: String) throws {
    let committed = try String(contentsOfFile: "\(repository)/completions/\(file)", encoding: .utf8)
    #expect(committed == inProcess(["completions", shell]).out,
      "regenerate: ipctool completions \(shell) > completions/\(file)")
  }

  @Test func committedManPageMatchesTheDescription() throws {
    let committed = try String(contentsOfFile: "\(repository)/man/ipctool.1", encoding: .utf8)
    #expect(committed == inProcess(["__manpage"]).out, "regenerate: ipctool __manpage > man/ipctool.1")
  }

  @Test(.enabled(if: installed("mandoc"), "mandoc is not installed (apt-get install mandoc)"))
  func manPageLintsClean() throws {
    let run = try runProgram("/usr/bin/mandoc", ["-Tlint", "\(repository)/man/ipctool.1"])
    #expect(run.stdout + run.stderr == "")
  }

  @Test(.enabled(if: installed("groff"), "groff is not installed"))
  func manPageHasNoGroffWarnings() throws {
    let run = try runProgram("/usr/bin/groff", ["-mandoc", "-ww", "-z", "\(repository)/man/ipctool.1"])
    #expect(run.stdout + run.stderr == "")
  }

  @Test func everyKindAndOptionAppearsInHelpManAndCompletions() throws {
    let man = inProcess(["__manpage"]).out
    let scripts = ["bash", "zsh", "fish"].map { inProcess(["completions", $0]).out }
    for kind in IPCKindGroup.allWords {
      #expect(inProcess(["list", "--help"], width: 1000).out.contains(kind), "\(kind) in help")
      #expect(man.contains(kind.replacing("-", with: "\\-")), "\(kind) in the man page")
      for script in scripts { #expect(script.contains(kind), "\(kind) in a completion script") }
    }
    for command in CommandLineDescription.subcommands where !command.isHidden {
      let help = inProcess([command.name, "--help"], width: 1000).out
      #expect(man.contains(".SS \(command.name.replacing("-", with: "\\-"))"))
      for option in command.allOptions {
        #expect(help.contains("--\(option.long)"))
        #expect(man.contains("\\-\\-\(option.long.replacing("-", with: "\\-"))"), "--\(option.long) in man")
        for script in scripts { #expect(script.contains(option.long), "\(option.long) in a script") }
      }
    }
  }
}

/// Help and usage errors, as swift-argument-parser users know them.
@Suite struct HelpTests {
  @Test func helpHasTheUsualSections() {
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

  @Test func optionsTakeEveryUsualForm() {
    for form in [["--kind", "sem"], ["--kind=sem"], ["-k", "sem"], ["-ksem"]] {
      let run = inProcess(["list", "--help"] + form)
      #expect(run.status == 0)
    }
    #expect(inProcess(["list", "--json=yes"]).status == 2)
    #expect(inProcess(["list", "--", "-x"]).err.contains("unexpected argument '-x'"))
  }
}
