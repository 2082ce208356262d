import Foundation
import TestSupport
import Testing

/// A process in one IPC namespace may hold a file of another namespace's /dev/shm (a passed
/// descriptor, a shared mount). A reading of every namespace must count it as that file's user,
/// wherever the holder lives: skipping the processes of other namespaces would call a held
/// object unused (and `clean --unused` would remove it).
@Suite(.enabled(if: Sandbox.isRoot, "needs root for private IPC + mount namespaces"))
struct CrossNamespaceUsageTests {
  @Test func aSegmentHeldFromAnotherNamespaceIsUsedInItsOwn() throws {
    let holderBox = try Sandbox()
    let owner = try Sandbox()
    owner.plainPosixSegment(owner.name("held"), size: 4096)
    owner.plainPosixSegment(owner.name("free"), size: 4096)
    // A process of holderBox's namespaces opens owner's file (through /proc, as root may) and
    // keeps it open as descriptor 3.
    let held = "/proc/\(owner.pid)/root/dev/shm" + owner.name("held")
    let sleeper = try RunningProgram(
      "/usr/bin/nsenter",
      ["--target", String(holderBox.pid), "--ipc", "--mount", "--", "/bin/sh", "-c",
       "exec 3<\"$0\" && exec sleep 600", held])
    defer { sleeper.stop() }
    let holds = waitUntil {
      let comm = (try? String(contentsOfFile: "/proc/\(sleeper.pid)/comm", encoding: .utf8)) ?? ""
      return comm == "sleep\n" && access("/proc/\(sleeper.pid)/fd/3", F_OK) == 0
    }
    #expect(holds, "the holder started")
    let ownerNamespace = try namespaceInode(owner.pid)
    #expect(try namespaceInode(sleeper.pid) == namespaceInode(holderBox.pid))
    #expect(try namespaceInode(sleeper.pid) != ownerNamespace)

    let run = try holderBox.run(["metrics", "-A"])
    #expect(run.status == 0, "\(run)")
    let metrics = ExposedMetrics(run.stdout)
    let labels = ["namespace": ownerNamespace, "kind": "posix-shm", "owner": "root"]
    #expect(metrics.value("ipctool_objects", labels) == 2, "\(run.stdout)")
    #expect(metrics.value("ipctool_attached_processes", labels) == 1, "\(run.stdout)")
    #expect(metrics.value("ipctool_unused_objects", labels) == 1, "\(run.stdout)")

    let listed = try holderBox.run(["list", "-A", "--users", "--json"])
    #expect(listed.status == 0, "\(listed)")
    // By the users' pids, not the line's digits (a name or a time may hold the pid's).
    func userPids(_ name: String) throws -> [Int] {
      let object = try #require(try listed.objects().first { $0["name"] as? String == name }, "\(listed.stdout)")
      let users = try #require(object["users"] as? [[String: Any]], "\(object)")
      return users.compactMap { $0["pid"] as? Int }
    }
    #expect(try userPids(owner.name("held")).contains(Int(sleeper.pid)), "the holder is named: \(listed.stdout)")
    #expect(try !userPids(owner.name("free")).contains(Int(sleeper.pid)), "\(listed.stdout)")
  }

  /// Every namespace's users come from one pass over /proc: each process's maps and
  /// descriptors are read once a run, however many namespaces are read (they were read once per
  /// namespace: 50 namespaces, 50 scans).
  @Test(.enabled(if: installed("strace"), "strace is not installed"))
  func eachProcessIsReadOnceARun() throws {
    let boxes = try (0..<3).map { _ in try Sandbox() }
    for box in boxes { box.plainPosixSegment(box.name("s"), size: 4096) }
    let folder = try TemporaryDirectory()
    let trace = folder.file("trace")
    for arguments in [["metrics", "-A"], ["list", "-A", "--users", "--json"]] {
      let run = try boxes[0].runInside(
        ["/usr/bin/strace", "-f", "-o", trace, "-e", "trace=open,openat,openat2", toolPath]
          + arguments)
      #expect(run.status == 0, "\(run)")
      let opened = (try? String(contentsOfFile: trace, encoding: .utf8))?.split(separator: "\n") ?? []
      for box in boxes {
        let maps = opened.filter { $0.contains("\"/proc/\(box.pid)/maps\"") }
        let descriptors = opened.filter { $0.contains("\"/proc/\(box.pid)/fd\"") }
        #expect(maps.count == 1 && descriptors.count == 1, "\(arguments): \(maps) \(descriptors)")
      }
    }
  }

  private func namespaceInode(_ pid: pid_t) throws -> String {
    let link = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/ns/ipc")
    return String(link.dropFirst("ipc:[".count).dropLast())
  }
}
