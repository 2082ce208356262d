import Foundation
import TestSupport
import Testing

/// contrib/systemd's service and timer: systemd reads them without a complaint, and the
/// command the service runs writes the metrics file.
@Suite struct SystemdUnitTests {
  static let folder = "\(repository)/contrib/systemd"
  static let analyze = "/usr/bin/systemd-analyze"
  /// Where the service writes (Debian's textfile folder).
  static let textfileFolder = "/var/lib/prometheus/node-exporter"

  /// The service's ExecStart, split into words.
  static func execStart() throws -> [String] {
    let unit = try String(contentsOfFile: "\(folder)/ipctool-metrics.service", encoding: .utf8)
    let line = try #require(unit.split(separator: "\n").first { $0.hasPrefix("ExecStart=") })
    return line.dropFirst("ExecStart=".count).split(separator: " ").map(String.init)
  }

  @Test(.enabled(
    if: FileManager.default.isExecutableFile(atPath: SystemdUnitTests.analyze),
    "needs systemd-analyze (Debian package systemd)"))
  func systemdReadsThemCleanly() throws {
    let copy = try TemporaryDirectory()
    // verify checks that ExecStart's program exists: the built one stands in for the installed.
    let service = try String(
      contentsOfFile: "\(Self.folder)/ipctool-metrics.service", encoding: .utf8)
      .replacingOccurrences(of: try Self.execStart()[0], with: toolPath)
    try copy.write("ipctool-metrics.service", service)
    try copy.copy("\(Self.folder)/ipctool-metrics.timer", as: "ipctool-metrics.timer")
    let run = try runProgram(
      Self.analyze,
      [
        "verify", "--man=no", copy.file("ipctool-metrics.service"),
        copy.file("ipctool-metrics.timer"),
      ])
    #expect(run.status == 0 && run.stderr.isEmpty && run.stdout.isEmpty, "\(run)")
  }

  @Test(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"))
  func theServiceCommandWritesTheFile() throws {
    let words = try Self.execStart()
    #expect(words[0] == "/usr/local/bin/ipctool", "make install's default PREFIX")
    #expect(words.contains(Self.textfileFolder))
    let box = try Sandbox()
    box.plainPosixSegment(box.name("a"), size: 4096)
    let folder = try TemporaryDirectory(shared: true)
    let arguments = words.dropFirst().map { $0 == Self.textfileFolder ? folder.path : $0 }
    let run = try box.run(Array(arguments))
    #expect(run.status == 0 && run.stdout.isEmpty, "\(run)")
    let text = try String(contentsOfFile: folder.file("ipctool.prom"), encoding: .utf8)
    #expect(text.contains("\nipctool_namespace_read{"), "every namespace: \(text.prefix(300))")
  }
}
