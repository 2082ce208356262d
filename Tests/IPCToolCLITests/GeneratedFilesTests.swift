import Foundation
import IPCKit
import TestSupport
import Testing

@testable import IPCToolCLI

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

  /// As a reader sees it (mandoc, 80 columns): options whole, each with its value, and no
  /// roff escape shown.
  @Test(.enabled(if: installed("mandoc"), "mandoc is not installed (apt-get install mandoc)"))
  func manPageReadsAsTyped() throws {
    let run = try runProgram(
      "/usr/bin/mandoc", ["-Tutf8", "-Owidth=80", "\(repository)/man/ipctool.1"])
    // Bold and underline are overstrikes: keep the last character of each.
    var page = ""
    for character in run.stdout {
      if character == "\u{8}" { page.removeLast() } else { page.append(character) }
    }
    page = page.replacing("\u{A0}", with: " ")  // `\ `, a space no line breaks at
    #expect(page.contains("head -1)"), "\(page)")
    #expect(!page.contains("\\-"), "a roff escape shown")
    let synopsis = page.split(separator: "DESCRIPTION").first.map(String.init) ?? ""
    #expect(synopsis.contains("[--reverse]") && synopsis.contains("[--older-than <age>]"), "\(synopsis)")
    for line in synopsis.split(separator: "\n") {
      // A bracket opened on a line closes on it: no option torn across lines.
      #expect(line.filter { $0 == "[" }.count == line.filter { $0 == "]" }.count, "\(line)")
      #expect(!line.hasSuffix("-") && !line.hasSuffix("\u{2010}"), "hyphenated: \(line)")
    }
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
