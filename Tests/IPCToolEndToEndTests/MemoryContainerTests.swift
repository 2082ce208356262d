import Foundation
import TestSupport
import Testing

/// A real container, seen from the host: what it writes to its /dev/shm is charged to its
/// memory cgroup, and `memory --by container` shows that charge beside its limit and its
/// /dev/shm, the figures its OOM kill would turn on.
@Suite(
  .enabled(if: Sandbox.isRoot, "needs root for namespaces and containers"),
  .enabled(
    if: PodmanContainer.unavailableReason == nil, "\(PodmanContainer.unavailableReason ?? "")"))
struct MemoryContainerTests {
  @Test func aContainersShmemAndLimitAreShown() throws {
    let container = try PodmanContainer(runOptions: ["--memory", "256m"])
    let wrote = try container.exec([
      "/bin/busybox", "dd", "if=/dev/zero", "of=/dev/shm/eight", "bs=1048576", "count=8",
    ])
    try #require(wrote.status == 0, "\(wrote)")

    let run = try runProgram(toolPath, ["memory", "--by", "container", "--json"])
    try #require(run.status == 0, "\(run)")
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    let groups = try #require(document["cgroups"] as? [[String: Any]])
    let row = try #require(
      groups.first { ($0["pids"] as? [Int] ?? []).contains(Int(container.pid)) }, "\(run)")
    #expect(row["container"] as? String == "podman " + container.id.prefix(12), "\(row)")
    let shmem = row["shmem"] as? Int ?? -1
    // Its 8 MB, and at most a few pages of anything else it wrote there.
    #expect(shmem >= 8 << 20 && shmem <= (8 << 20) + (8 << 20) / 100 + 16 * 4096, "\(row)")
    #expect(row["limit"] as? Int == 256 << 20, "\(row)")
    #expect(row["dev_shm_size"] as? Int == 65_536_000, "\(row)")
    let used = row["dev_shm_used"] as? Int ?? -1
    #expect(used >= 8 << 20 && used <= (8 << 20) + 16 * 4096, "\(row)")

    let table = try runProgram(toolPath, ["memory", "--by", "container"])
    #expect(
      table.lines.contains {
        $0.contains("podman " + container.id.prefix(12)) && $0.contains("256M")
      }, "\(table)")
  }
}
