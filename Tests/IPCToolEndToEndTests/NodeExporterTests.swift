import Foundation
import TestSupport
import Testing

/// Debian's path: the test drives the packaged exporter, nothing pulled from elsewhere.
private let nodeExporter = "/usr/bin/prometheus-node-exporter"

/// The real consumer: Debian's node exporter with only its textfile collector, reading the
/// folder `--textfile` writes, serves ipctool's series with the values ipctool measured.
@Suite(
  .enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"),
  .enabled(
    if: FileManager.default.isExecutableFile(atPath: nodeExporter),
    "needs prometheus-node-exporter (Debian package of that name)"))
struct NodeExporterTests {
  @Test func servesTheTextfile() throws {
    let box = try Sandbox()
    box.plainPosixSegment(box.name("a"), size: 4096)
    box.plainPosixSegment(box.name("b"), size: 4096)
    _ = box.plainSysVQueue(key: 0x5eef, messages: 2, size: 50)
    let folder = try TemporaryDirectory(shared: true)
    let wrote = try box.run(["metrics", "--textfile", folder.path])
    #expect(wrote.status == 0, "\(wrote)")
    let port = try #require(LoopbackHTTP.freePort())
    let server = try RunningProgram(nodeExporter, [
      "--collector.disable-defaults", "--collector.textfile",
      "--collector.textfile.directory", folder.path,
      "--web.listen-address", "127.0.0.1:\(port)",
    ])
    defer { server.stop() }
    var page: String?
    waitUntil(timeout: 30, every: 0.05) {
      page = LoopbackHTTP.get("/metrics", port: port)
      return page != nil || !server.process.isRunning
    }
    let text = try #require(page, "the exporter did not answer: \(server.outputSoFar)")
    let metrics = ExposedMetrics(text)
    let ours = ["kind": "posix-shm", "owner": "root"]
    #expect(metrics.value("ipctool_objects", ours) == 2, "\(text)")
    #expect(metrics.value("ipctool_shared_memory_bytes", ["kind": "posix-shm"]) == 8192)
    #expect(metrics.value("ipctool_queued_bytes", ["kind": "sysv-mq"]) == 100)
    #expect(metrics.value("ipctool_scrape_errors") == 0)
    // The exporter read the file without complaint.
    #expect(metrics.value("node_textfile_scrape_error") == 0, "\(text)")
  }
}
