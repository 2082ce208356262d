import Foundation
import TestSupport
import Testing

/// Output that does not reach its file is a failure, said on stderr; a closed pipe ends the
/// command with SIGPIPE, as it does coreutils.
@Suite(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"))
struct OutputFailureTests {
  /// Runs `ipctool ARGUMENTS REDIRECTION` in the sandbox's shell; returns its status and stderr.
  func shell(_ box: Sandbox, _ arguments: String, _ redirection: String) throws -> (Int, String) {
    let script = "\"$0\" \(arguments) \(redirection) 2>\"$1\"; echo $?; cat \"$1\""
    let scratch = try TemporaryDirectory()
    let run = try box.runInside(["/bin/sh", "-c", script, toolPath, scratch.file("err")])
    let lines = run.stdout.split(separator: "\n", maxSplits: 1).map(String.init)
    return (Int(lines.first ?? "") ?? -1, lines.count > 1 ? lines[1] : "")
  }

  @Test func aFullDiskIsAWriteErrorForEveryCommand() throws {
    let box = try Sandbox()
    box.segment(named: Array("seen".utf8))
    for arguments in [
      "--version", "help", "help clean", "list", "list --json", "limits", "limits --json",
      "inspect /seen", "completions bash", "pi --ipc pipe --terms 1000",
    ] {
      let (status, stderr) = try shell(box, arguments, ">/dev/full")
      #expect(status == 1, "\(arguments): \(status) \(stderr)")
      #expect(stderr.hasSuffix("ipctool: write error: No space left on device\n"), "\(arguments): \(stderr)")
    }
    let (closed, said) = try shell(box, "list", ">&-")
    #expect(closed == 1 && said == "ipctool: write error: Bad file descriptor\n", "\(said)")
  }

  /// The objects are gone whether or not the record of it could be written: clean says on
  /// stderr what it did.
  @Test func cleanWithAFullDiskSaysWhatItRemoved() throws {
    let box = try Sandbox()
    box.segment(named: Array("pi_a".utf8))
    box.segment(named: Array("pi_b".utf8))
    let (status, stderr) = try shell(box, "clean --prefix /pi_", ">/dev/full")
    #expect(status == 1)
    #expect(stderr == "ipctool: clean: removed 2, kept 0 in use, failed 0\n"
      + "ipctool: write error: No space left on device\n", "\(stderr)")
    #expect(box.shmFileNames().isEmpty)
  }

  @Test(.enabled(if: installed("bash"), "bash is not installed"))
  func aClosedPipeEndsItWithSigpipe() throws {
    let box = try Sandbox()
    for index in 0..<2000 { box.segment(named: Array("many_\(index)".utf8)) }  // past a pipe's 64 KiB
    let script = "\"$0\" list --json | head -c 10 >/dev/null; echo ${PIPESTATUS[0]}"
    let run = try box.runInside(["/bin/bash", "-c", script, toolPath])
    #expect(run.stdout == "141\n", "\(run)")
  }

  /// Without /proc (a minimal container) the arguments still arrive: they come from the
  /// process entry, not from /proc/self/cmdline.
  @Test func argumentsArriveWithoutProc() throws {
    let box = try Sandbox()
    let script = "mount -t tmpfs none /proc && \"$0\" create posix-shm /noproc --size 1; echo $?;"
      + " \"$0\" bogus 2>&1; echo $?"
    let run = try box.runInside(["/bin/sh", "-c", script, toolPath])
    #expect(run.lines == [
      "posix-shm:/noproc", "0",
      "ipctool: unknown subcommand 'bogus' (see 'ipctool --help')", "2",
    ], "\(run)")
    #expect(box.shmFileNames() == [Array("noproc".utf8)])
  }
}
