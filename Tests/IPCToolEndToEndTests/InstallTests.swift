import Foundation
import TestSupport
import Testing

private let installTestWanted =
  ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty } == true
  || ProcessInfo.processInfo.environment["IPCTOOL_TEST_INSTALL"] == "1"

/// `make install` into a temporary DESTDIR: the binary runs from a clean environment.
///
/// The static release build it needs takes about a minute on two cores, most of the suite's time,
/// and no other test uses it. It runs where it proves something the rest cannot: in CI (`CI` set,
/// a fresh clone, so the Makefile builds from nothing), or when `IPCTOOL_TEST_INSTALL=1` asks.
@Suite(
  .enabled(if: installed("make"), "make is not installed"),
  .enabled(
    if: installTestWanted,
    "builds a second, static release (about a minute): runs in CI or with IPCTOOL_TEST_INSTALL=1"))
struct InstallTests {
  @Test func installsEverythingAndUninstallsIt() throws {
    let scratch = try TemporaryDirectory()
    let destination = scratch.path
    let install = try runProgram(
      "/usr/bin/make", ["-C", repository, "install", "DESTDIR=\(destination)", "PREFIX=/usr"],
      timeout: 900)
    #expect(install.status == 0, "\(install)")
    let files = [
      "/usr/bin/ipctool", "/usr/share/man/man1/ipctool.1",
      "/usr/share/bash-completion/completions/ipctool", "/usr/share/zsh/site-functions/_ipctool",
      "/usr/share/fish/vendor_completions.d/ipctool.fish",
    ]
    for file in files { #expect(FileManager.default.fileExists(atPath: destination + file), "\(file)") }
    // No toolchain needed: the Swift runtime is linked in.
    let ldd = try runProgram("/usr/bin/ldd", [destination + "/usr/bin/ipctool"])
    #expect(!ldd.stdout.contains("libswiftCore"), "\(ldd.stdout)")
    let version = try runProgram("/usr/bin/env", ["-i", destination + "/usr/bin/ipctool", "--version"])
    #expect(version.stdout == "ipctool 0.1.0\n")
    let uninstall = try runProgram(
      "/usr/bin/make", ["-C", repository, "uninstall", "DESTDIR=\(destination)", "PREFIX=/usr"])
    #expect(uninstall.status == 0)
    for file in files { #expect(!FileManager.default.fileExists(atPath: destination + file), "\(file)") }
  }
}
