import CIPCShims
import Foundation
import TestSupport
import Testing

/// `ipctool metrics`: read back as a scraper reads it, and checked against objects made in the
/// test's own namespace.
@Suite(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"))
struct MetricsTests {
  @Test func countsBytesUsersAndOrphanAges() throws {
    let box = try Sandbox()
    // Whole seconds: what was made, was made in [before, made + 1).
    let before = time(nil)
    box.plainPosixSegment(box.name("a"), size: 4096)
    box.plainPosixSegment(box.name("b"), size: 8192)
    let attached = box.plainSysVSegment(size: 65536)
    _ = box.plainSysVSegment(size: 4096)
    let address = box.attach(attached)
    defer { _ = box.inIPCNamespace { shmdt(address) } }
    _ = box.plainSysVQueue(key: 0x5eed, messages: 3, size: 100)
    box.plainPosixQueue(box.name("q"), maxMessages: 4, messageSize: 16, messages: ["hi", "there"])
    let made = time(nil)
    // Old enough to tell an age from none (a wait for the clock, not for a process): more
    // than 2 s old at made + 3.
    waitUntil(timeout: 10) { time(nil) >= made + 3 }
    let run = try box.run(["metrics"])
    // An upper bound: now is before time(nil) + 1, and each object was made at `before` or later.
    let elapsed = Double(time(nil) + 1 - before)
    #expect(run.status == 0 && run.stderr.isEmpty, "\(run)")
    let metrics = ExposedMetrics(run.stdout)
    #expect(metrics.malformed.isEmpty, "\(metrics.malformed)")
    func value(_ name: String, _ kind: String) -> Double? {
      metrics.value("ipctool_" + name, ["kind": kind, "owner": "root"])
    }
    #expect(value("objects", "posix-shm") == 2)
    #expect(value("shared_memory_bytes", "posix-shm") == 12288)
    #expect(value("objects", "sysv-shm") == 2)
    #expect(value("shared_memory_bytes", "sysv-shm") == 69632)
    #expect(value("attached_processes", "sysv-shm") == 1)
    #expect(value("unused_objects", "sysv-shm") == 1)
    #expect(value("unused_objects", "posix-shm") == 2)
    #expect(value("queued_messages", "sysv-mq") == 3 && value("queued_bytes", "sysv-mq") == 300)
    #expect(value("queued_messages", "posix-mq") == 2 && value("queued_bytes", "posix-mq") == 7)
    // No users the kernel records: no series that would say "none".
    #expect(value("attached_processes", "sysv-mq") == nil && value("objects", "sysv-mq") == 1)
    let age = try #require(value("oldest_unused_object_age_seconds", "posix-shm"), "\(run)")
    #expect(age >= 2 && age <= elapsed, "made \(elapsed) s ago: \(age)")
    #expect(metrics.value("ipctool_kernel_limit", ["limit": "shm_size"]) == Double(64 << 20))
    #expect(metrics.value("ipctool_kernel_limit", ["limit": "shmall"]) == .infinity)
    #expect(metrics.value("ipctool_kernel_limit_used", ["limit": "shmmni"]) == 2)
    #expect(metrics.value("ipctool_dev_shm_size_bytes") == Double(64 << 20))
    #expect(metrics.value("ipctool_scrape_errors") == 0)
    #expect((metrics.value("ipctool_scrape_duration_seconds") ?? -1) >= 0)
    // Every series is described, and none is an object's own without --per-object.
    #expect(Set(metrics.samples.map(\.name)).isSubset(of: metrics.described))
    #expect(!metrics.samples.contains { $0.labels["object"] != nil })
  }

  /// A name's bytes reach a label escaped as list shows them, then as the format asks: read
  /// back, the label is the name list prints.
  @Test func perObjectLabelsAreEscapedNames() throws {
    let box = try Sandbox()
    let hostile = Array(box.prefix.dropFirst().utf8) + Array("-q\"b\\s\nx".utf8) + [0xFF]
    box.segment(named: hostile, size: 10)
    let run = try box.run(["metrics", "--per-object"])
    #expect(run.status == 0, "\(run)")
    let metrics = ExposedMetrics(run.stdout)
    #expect(metrics.malformed.isEmpty, "\(metrics.malformed)")
    let shown = "posix-shm:" + box.prefix + "-q\"b\\\\s\\nx\\xff"
    #expect(metrics.value("ipctool_object_bytes", ["object": shown]) == 10, "\(run.stdout)")
    #expect(metrics.value("ipctool_object_users", ["object": shown]) == 0)
    let listed = try box.run(["list", "-o", "ref", "--no-headings"])
    #expect(listed.lines == [shown], "the label is what list shows")
  }

  /// Each limit's use, counted from the snapshot's own objects (no second listing), is what
  /// `limits` counts from its listing, for every kind the limits count.
  @Test func limitUsesAreTheLimitsCommands() throws {
    let box = try Sandbox()
    _ = box.plainSysVSegment(size: 65536)
    _ = box.plainSysVSegment(size: 5000)
    _ = box.plainSysVQueue(key: 0x5eed, messages: 3, size: 100)
    _ = box.plainSysVSemaphores(values: [1, 2, 3])
    _ = box.plainSysVSemaphores(values: [1])
    box.plainPosixQueue(box.name("q"), maxMessages: 4, messageSize: 16, messages: ["hi"])
    let run = try box.run(["metrics"])
    #expect(run.status == 0, "\(run)")
    let metrics = ExposedMetrics(run.stdout)
    let limits = try box.run(["limits", "--json"])
    let document = try JSONSerialization.jsonObject(with: Data(limits.stdout.utf8)) as? [String: Any]
    let rows = try #require(document?["limits"] as? [[String: Any]])
    #expect(rows.count > 10)
    for row in rows {
      let name = try #require(row["name"] as? String)
      let used = (row["used"] as? NSNumber)?.doubleValue
      #expect(metrics.value("ipctool_kernel_limit_used", ["limit": name]) == used, "\(name)")
    }
    #expect(metrics.value("ipctool_kernel_limit_used", ["limit": "semmns"]) == 4)
    #expect(metrics.value("ipctool_kernel_limit_used", ["limit": "shmall"]) == 18)  // 16 pages and 2
  }

  @Test(.enabled(if: MetricsTests.promtool != nil, "needs promtool (Debian package prometheus)"))
  func promtoolAcceptsIt() throws {
    let box = try Sandbox()
    box.segment(named: Array(box.prefix.dropFirst().utf8) + Array("-\"\\\n".utf8) + [0xC3])
    _ = box.plainSysVQueue(key: 0x5eee, messages: 1, size: 8)
    for arguments in [["metrics"], ["metrics", "--per-object"], ["metrics", "-A"]] {
      let run = try box.run(arguments)
      #expect(run.status == 0, "\(run)")
      let folder = try TemporaryDirectory()
      try folder.write("out.prom", run.stdout)
      // promtool reads the metrics on its standard input.
      let checked = try runProgram(
        "/bin/sh", ["-c", "exec \"$0\" check metrics < \"$1\"", try #require(Self.promtool),
        folder.file("out.prom")])
      #expect(checked.status == 0 && checked.stdout.isEmpty && checked.stderr.isEmpty,
        "\(arguments): \(checked)")
    }
  }

  /// With every namespace read, the sandbox's objects are labeled with its namespace.
  @Test func everyNamespaceIsLabeled() throws {
    let box = try Sandbox()
    box.plainPosixSegment(box.name("a"), size: 4096)
    _ = box.plainSysVSegment(size: 8192)
    let link = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(box.pid)/ns/ipc")
    let inode = String(link.dropFirst("ipc:[".count).dropLast())
    let run = try box.run(["metrics", "--all-namespaces"])
    #expect(run.status == 0, "\(run)")
    let metrics = ExposedMetrics(run.stdout)
    #expect(metrics.malformed.isEmpty, "\(metrics.malformed)")
    let ours = ["namespace": inode, "kind": "sysv-shm", "owner": "root"]
    #expect(metrics.value("ipctool_objects", ours) == 1, "\(run.stdout)")
    #expect(metrics.value("ipctool_shared_memory_bytes", ours) == 8192)
    #expect(metrics.value("ipctool_namespace_read", ["namespace": inode]) == 1)
    #expect(metrics.value("ipctool_dev_shm_size_bytes", ["namespace": inode]) == Double(64 << 20))
    #expect(metrics.samples.filter { $0.name == "ipctool_objects" }.allSatisfy {
      $0.labels["namespace"] != nil && $0.labels["container"] != nil
    })
  }

  /// The textfile collector may read while ipctool writes: it must see the old file or the new
  /// one, whole, never a part. A reader races 100 writes.
  @Test func textfileIsReplacedWhole() throws {
    let box = try Sandbox()
    for index in 0..<20 { box.plainPosixSegment(box.name("s\(index)"), size: 4096) }
    let folder = try TemporaryDirectory(shared: true)
    let file = folder.file("ipctool.prom")
    #expect(try box.run(["metrics", "--textfile", folder.path]).status == 0)
    let done = Flag()
    let reader = Thread {
      var reads = 0
      var partial: [String] = []
      while !done.isSet || reads == 0 {
        let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? "<unreadable>"
        if !text.hasPrefix("# HELP ") || !text.hasSuffix("\n")
          || !text.contains("\nipctool_scrape_duration_seconds ")
        {
          partial.append(text)
        }
        reads += 1
      }
      done.record(reads: reads, partial: partial)
    }
    reader.start()
    for _ in 0..<100 {
      let run = try box.run(["metrics", "--textfile", folder.path])
      #expect(run.status == 0 && run.stdout.isEmpty, "\(run)")
    }
    done.set()
    let (reads, partial) = done.wait()
    #expect(
      reads > 0 && partial.isEmpty,
      "\(partial.count) of \(reads) reads partial: \(partial.prefix(1))")
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
    #expect(names == ["ipctool.prom"], "no temporary file left")
    let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
    #expect(mode == 0o644, "the exporter's own user may read it")
  }

  @Test(.otherUsersCanRunTheTool) func anUnwritableFolderIsOneLine() throws {
    let box = try Sandbox()
    let missing = try box.run(["metrics", "--textfile", "/nonexistent-ipctool-folder"])
    #expect(missing.status == 1 && missing.stdout.isEmpty, "\(missing)")
    #expect(
      missing.stderr
        == "ipctool: --textfile /nonexistent-ipctool-folder: No such file or directory\n")
    let folder = try TemporaryDirectory(shared: true)
    chmod(folder.path, 0o755)
    let refused = try box.run(["metrics", "--textfile", folder.path], as: 65534)
    #expect(
      refused.status == 1
        && refused.stderr == "ipctool: --textfile \(folder.path): Permission denied\n",
      "\(refused)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    let both = try box.run(["metrics", "-A", "--target", String(box.pid)])
    #expect(both.status == 2 && both.stderr.hasPrefix("ipctool: '--all-namespaces' and '--target'"))
  }

  /// A kind that could not be read is unknown, not empty: no series for it, a scrape error,
  /// and stderr says why.
  @Test(.otherUsersCanRunTheTool) func anUnreadableKindIsAnErrorNotZero() throws {
    let box = try Sandbox(mountMqueue: false)
    box.plainPosixQueue(box.name("q"), maxMessages: 2, messageSize: 8, messages: ["x"])
    let run = try box.run(["metrics"], as: 65534)
    #expect(run.status == 0 && run.stderr.contains("not mounted"), "\(run)")
    let metrics = ExposedMetrics(run.stdout)
    #expect(metrics.value("ipctool_scrape_errors") == 1, "\(run.stdout)")
    #expect(metrics.values("ipctool_objects", ["kind": "posix-mq"]).isEmpty)
    #expect(metrics.value("ipctool_kernel_limit_used", ["limit": "queues_max"]) == nil)
  }

  static let promtool: String? = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first {
    FileManager.default.isExecutableFile(atPath: $0)
  }
}

/// The reader's stop signal and what it saw.
private final class Flag: @unchecked Sendable {
  private let lock = NSCondition()
  private var stopped = false
  private var result: (Int, [String])?

  var isSet: Bool { lock.lock(); defer { lock.unlock() }; return stopped }
  func set() { lock.lock(); stopped = true; lock.unlock() }
  func record(reads: Int, partial: [String]) {
    lock.lock()
    result = (reads, partial)
    lock.broadcast()
    lock.unlock()
  }
  func wait() -> (Int, [String]) {
    lock.lock()
    defer { lock.unlock() }
    while result == nil { lock.wait() }
    return result ?? (0, [])
  }
}
