import Foundation
import TestSupport
import Testing

/// A real container, seen from the host: `namespaces` names it with its /dev/shm, `list -A` and
/// `list --target` show exactly its objects, and `clean --target` removes them and nothing else.
@Suite(
  .enabled(if: Sandbox.isRoot, "needs root for namespaces and containers"),
  .enabled(if: PodmanContainer.unavailableReason == nil, "\(PodmanContainer.unavailableReason ?? "")"))
struct PodmanTests {
  @Test func theHostSeesIntoAContainer() throws {
    let container = try PodmanContainer()
    let made = [
      ["posix-mq", "/x"], ["posix-shm", "/x", "--size", "1M"], ["posix-sem", "/x"],
      ["sysv-mq"], ["sysv-shm", "--size", "4K"], ["sysv-sem", "--count", "1"],
    ]
    for arguments in made {
      let run = try container.exec(["/bin/ipctool", "create"] + arguments)
      try #require(run.status == 0, "\(run)")
    }
    let expected = ["posix-mq:/x", "sysv-mq:0", "posix-shm:/x", "sysv-shm:0", "posix-sem:/x", "sysv-sem:0"]
    let inside = try container.exec(["/bin/ipctool", "list", "--json"]).objects().compactMap { $0["ref"] as? String }
    #expect(inside == expected)
    let hostBefore = try runProgram(toolPath, ["list", "--json"]).stdout

    // namespaces names it, with its 64 MB /dev/shm and what is used of it.
    var status = stat()
    try #require(stat("/proc/\(container.pid)/ns/ipc", &status) == 0)
    let census = try runProgram(toolPath, ["namespaces", "--json"])
    let document = try JSONSerialization.jsonObject(with: Data(census.stdout.utf8)) as? [String: Any]
    let row = try #require((document?["namespaces"] as? [[String: Any]])?.first { $0["inode"] as? Int == Int(status.st_ino) })
    #expect(row["container"] as? String == "podman " + container.id.prefix(12), "\(row)")
    // Podman's default --shm-size, 64000k; used: the 1 MB segment and the semaphore's page.
    #expect(row["dev_shm_size"] as? Int == 65_536_000, "\(row)")
    #expect(row["dev_shm_used"] as? Int == (1 << 20) + 4096, "\(row)")
    #expect(row["objects"] as? [String: Int] == Dictionary(uniqueKeysWithValues: expected.map { (String($0.split(separator: ":")[0]), 1) }))

    // list -A and list --target show exactly its objects.
    let everywhere = try runProgram(toolPath, ["list", "--all-namespaces", "--json"]).objects()
    #expect(everywhere.filter { $0["namespace"] as? Int == Int(status.st_ino) }.compactMap { $0["ref"] as? String } == expected)
    #expect(everywhere.first { $0["namespace"] as? Int == Int(status.st_ino) }?["container"] as? String
      == "podman " + container.id.prefix(12))
    let targeted = try runProgram(toolPath, ["list", "--target", String(container.pid), "--json"]).objects()
    #expect(targeted.compactMap { $0["ref"] as? String } == expected)

    // clean --target removes its objects, and nothing of the host's.
    let clean = try runProgram(toolPath, ["clean", "--target", String(container.pid), "--prefix", "/x"])
    #expect(clean.lines.last == "removed 3, kept 0 in use, failed 0", "\(clean)")
    let left = try container.exec(["/bin/ipctool", "list", "--json"]).objects().compactMap { $0["ref"] as? String }
    #expect(left == ["sysv-mq:0", "sysv-shm:0", "sysv-sem:0"])
    #expect(try runProgram(toolPath, ["list", "--json"]).stdout == hostBefore)
  }

  /// A hostile container (default, rootful): its entrypoint makes a /dev of its own in a user
  /// namespace, where /dev/shm is an absolute symlink to a folder of the host's. Looked up
  /// inside the container's root, the link never reaches the host: no command reads or
  /// removes the host's files.
  @Test func aContainersDevShmLinkNeverReachesTheHost() throws {
    let victim = try VictimFolder()
    let before = victim.snapshot()
    let container = try PodmanContainer(entrypoint: [
      "/bin/unshare", "-U", "-r", "-m", "/bin/sh", "-c",
      "mount -t tmpfs none /dev && ln -s \(victim.path) /dev/shm && exec sleep 1000",
    ])
    let pid = String(container.pid)
    try #require(waitUntil {
      (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/root/dev/shm")) == victim.path
    }, "the entrypoint did not make its link")
    let runs = try [
      ["namespaces", "--json"], ["list", "-A"], ["list", "--target", pid], ["inspect", "/passwd", "--target", pid],
      ["unlink", "/passwd", "--target", pid], ["clean", "--all", "--force", "--target", pid],
      ["create", "posix-shm", "/made", "--size", "8", "--target", pid],
    ].map { try runProgram(toolPath, $0) }
    #expect(victim.snapshot() == before)
    for run in runs { #expect(!run.stdout.contains("passwd") && !run.stdout.contains("removed  "), "\(run)") }
    #expect(runs[2].stderr.contains("/proc/\(pid)/root/dev/shm"), "\(runs[2])")
  }
}
