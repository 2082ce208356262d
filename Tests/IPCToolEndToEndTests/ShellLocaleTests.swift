import Foundation
import TestSupport
import Testing

/// `--pairs` and `--shell` lines evaluated by real shells under GBK, BIG5 and UTF-8: in GBK and
/// BIG5 a UTF-8 character's last byte may be a lead byte, which takes the next byte with it; a
/// backslash there (once written before `$` inside double quotes) no longer quotes, and a
/// name's `$(...)` ran as the caller.
@Suite(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"))
struct ShellLocaleTests {
  /// 丁 ends in 0x81 (a GBK lead byte), 中 in 0xAD (a GBK and BIG5 lead byte): each is
  /// followed by what a shell must not run, or by a quote or backslash it must keep.
  static let hostile: [[UInt8]] = [
    Array("L丁$(touch pwn)".utf8), Array("L中$(touch pwn)".utf8), Array("L中`touch pwn`".utf8),
    Array("L中\"q'u\\o".utf8), Array("L中'".utf8), Array("L中\nnew".utf8), Array("L中\\".utf8),
    Array("L".utf8) + [0xE4, 0xB8, 0x24] + Array("(touch pwn)".utf8),  // a cut character, then $
  ]

  /// The locales, built with localedef into a folder of the test's own (LOCPATH).
  static func locales(in folder: TemporaryDirectory) throws -> [String] {
    var built: [String] = []
    for (source, charmap, name) in [("zh_CN", "GBK", "zh_CN.GBK"), ("zh_TW", "BIG5", "zh_TW.BIG5"), ("en_US", "UTF-8", "en_US.UTF-8")] {
      let made = try runProgram("/usr/bin/localedef", ["-i", source, "-f", charmap, folder.file(name)])
      // localedef exits 1 for warnings, with the locale written.
      try #require(FileManager.default.fileExists(atPath: folder.file(name + "/LC_CTYPE")), "\(made)")
      built.append(name)
    }
    return built
  }

  @Test(
    .enabled(if: installed("localedef") && FileManager.default.fileExists(atPath: "/usr/share/i18n/charmaps/GBK.gz"),
      "localedef or its charmaps (package locales) are not installed"))
  func pairsReadBackInEveryLocaleAndShell() throws {
    let box = try Sandbox()
    for name in Self.hostile { box.segment(named: name) }
    let expected = try box.run(["list", "--json", "--prefix", "/L"]).objects().compactMap { $0["ref"] as? String }
    try #require(expected.count == Self.hostile.count)
    let localeFolder = try TemporaryDirectory()
    let locales = try Self.locales(in: localeFolder)
    let shells = ["bash", "zsh", "dash"].filter(installed)
    #expect(shells.count == 3, "bash, zsh and dash should all be installed; ran \(shells)")
    for option in ["--pairs", "--shell", "-Py"] {
      let run = try box.run(["list", option, "-o", "ref,owner", "--prefix", "/L"])
      #expect(run.status == 0, "\(option): \(run)")
      // The property itself: no backslash outside single quotes follows a non-ASCII byte.
      #expect(!run.stdoutBytes.indices.dropFirst().contains { run.stdoutBytes[$0] == 0x5C && run.stdoutBytes[$0 - 1] >= 0x80 && !insideQuotes(run.stdoutBytes, $0) }, "\(run.stdout)")
      let folder = try TemporaryDirectory()
      try run.stdout.write(toFile: folder.file("pairs"), atomically: false, encoding: .utf8)
      let script = "cd \"$1\" || exit 9; while IFS= read -r line; do eval \"$line\"; printf '%s|%s\\n' \"$REF\" \"$OWNER\"; done <pairs"
      for shell in shells {
        for locale in locales {
          let environment = ["LOCPATH": localeFolder.path, "LC_ALL": locale, "LANG": locale]
          let arguments = shell == "zsh" ? ["-f", "-c", script, shell, folder.path] : ["-c", script, shell, folder.path]
          let read = try runProgram("/usr/bin/env", ["LOCPATH=" + localeFolder.path, "LC_ALL=" + locale, shell] + arguments, environment: environment)
          #expect(read.lines == expected.map { $0 + "|root" }, "\(option) \(shell) \(locale): \(run.stdout)\n\(read)")
          #expect(!FileManager.default.fileExists(atPath: folder.file("pwn")), "\(option) \(shell) \(locale): a name ran a command")
          unlink(folder.file("pwn"))
        }
      }
    }
  }

  /// Whether byte `index` lies between single quotes (which the line opens and closes in turn).
  func insideQuotes(_ bytes: [UInt8], _ index: Int) -> Bool {
    let lineStart = bytes[..<index].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
    return bytes[lineStart..<index].filter { $0 == UInt8(ascii: "'") }.count % 2 == 1
  }
}
