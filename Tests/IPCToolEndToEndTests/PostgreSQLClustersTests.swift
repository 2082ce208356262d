import Foundation
import TestSupport
import Testing

/// Two clusters of one owner, one crashed, the other under parallel queries (which make and
/// drop a dynamic segment each): each segment belongs to the cluster whose control segment
/// lists it, never to a cluster by its owner (the bug report: cleans in a loop removed 394 of
/// the live cluster's segments, and the crashed one's set could not be cleaned).
@Suite(
  .enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"),
  .enabled(if: PostgreSQLCluster.unavailableReason == nil, "\(PostgreSQLCluster.unavailableReason ?? "")"),
  .serialized)
struct PostgreSQLClustersTests {
  func objects(_ box: Sandbox) throws -> Set<String> {
    Set(try box.run(["list", "--kind", "shm", "-o", "ref", "--no-headings"]).lines)
  }

  static let parallelQueries =
    """
    set force_parallel_mode = on;
    set parallel_setup_cost = 0;
    set parallel_tuple_cost = 0;

    """ + String(repeating: "select count(*) from generate_series(1, 2000);\n", count: 1500)

  @Test func cleansInALoopTakeTheCrashedSetWholeAndNothingOfTheRunningCluster() throws {
    let box = try Sandbox()
    let running = try PostgreSQLCluster(in: box)
    try #require(try running.start(), "the server did not start:\n\(running.log)")
    let runningSet = try objects(box)
    let crashed = try PostgreSQLCluster(in: box)
    try #require(try crashed.start(), "the second server did not start:\n\(crashed.log)")
    let crashedSet = try objects(box).subtracting(runningSet)
    crashed.crash()
    try #require(crashedSet.count >= 3, "\(crashedSet)")

    let load = try running.startScript(Self.parallelQueries)
    var removed: [String] = []
    var rounds = 0, beside = 0
    while load.process.isRunning || rounds < 10 {
      if load.process.isRunning { beside += 1 }
      for selector in [["--prefix", "/PostgreSQL."], ["--all"]] {
        let run = try box.run(["clean"] + selector)
        #expect(run.status == 0, "\(run)")
        #expect(!run.stdout.contains("gone "), "decided to remove a live segment: \(run)")
        removed += run.lines.filter { $0.hasPrefix("removed  ") }.map { String($0.dropFirst(9)) }
      }
      rounds += 1
    }
    let queries = load.finish()
    #expect(beside > 0, "no clean ran beside the queries")
    #expect(queries.status == 0 && queries.stderr.isEmpty, "queries failed: \(queries)")
    // Only the crashed set went, all of it, and the running cluster still has its own.
    #expect(Set(removed) == crashedSet && removed.count == crashedSet.count, "\(removed)")
    let after = try objects(box)
    #expect(after.isDisjoint(with: crashedSet), "\(after)")
    #expect(runningSet.isSubset(of: after), "\(after)")
    #expect(try running.select1() == "1", "\(running.log)")
    // The crashed cluster starts again and finds nothing of its old set missing or left.
    #expect(try crashed.start(), "the crashed server did not start again:\n\(crashed.log)")
    #expect(!crashed.log.contains("could not open shared memory segment"), "\(crashed.log)")
    #expect(!running.log.contains("ERROR"), "\(running.log)")
    print("PostgreSQLClustersTests: \(beside) of \(rounds) rounds of clean beside 1,500 parallel queries")
  }

  @Test func aSystemVDynamicMemoryCrashIsOneSetAndADryRunAttachesNothing() throws {
    let box = try Sandbox()
    let cluster = try PostgreSQLCluster(in: box, settings: ["dynamic_shared_memory_type = sysv"])
    try #require(try cluster.start(), "the server did not start:\n\(cluster.log)")
    let postmaster = try #require(cluster.postmasterPID)
    let live = try objects(box)
    // The interlock, the control segment and the statistics segment, all System V.
    try #require(live.count >= 3 && live.allSatisfy { $0.hasPrefix("sysv-shm:") }, "\(live)")
    let held = try box.run(["list", "--users", "--kind", "sysv-shm", "-o", "ref,users"])
    #expect(held.lines.contains { $0.hasSuffix("held by PostgreSQL, postmaster \(postmaster)") }, "\(held)")
    cluster.crash()
    let left = try objects(box)
    #expect(left == live)
    let interlock = try #require(
      try box.run(["list", "--kind", "sysv-shm", "-o", "ref,size", "--no-headings", "--sort", "size"])
        .lines.first?.split(separator: " ").first.map(String.init))

    // A dry run, a listing and an inspection read nothing through an attachment: the kernel's
    // records (attach times, last pids) stay as they were.
    let table = { try box.runInside(["cat", "/proc/sysvipc/shm"]).stdout }
    let before = try table()
    let dry = try box.run(["clean", "--all", "--dry-run"])
    #expect(dry.status == 0, "\(dry)")
    _ = try box.run(["list", "--users", "--kind", "shm"])
    for ref in left { _ = try box.run(["inspect", ref]) }
    #expect(try table() == before)

    // Named alone, the interlock stays: its set goes whole or not at all.
    let alone = try box.run(["clean", interlock])
    #expect(alone.lines.first?.hasPrefix("kept     \(interlock): left by PostgreSQL, postmaster \(postmaster) (gone)") == true, "\(alone)")
    #expect(try objects(box) == left)
    let all = try box.run(["clean", "--all"])
    #expect(all.lines.filter { $0.hasPrefix("removed  ") }.count == left.count, "\(all)")
    #expect(try objects(box).isEmpty)
    #expect(try cluster.start(), "the server did not start again:\n\(cluster.log)")
  }

  @Test func aDryRunReadsACrashedClusterWithoutAttaching() throws {
    let box = try Sandbox()
    let cluster = try PostgreSQLCluster(in: box)
    try #require(try cluster.start(), "the server did not start:\n\(cluster.log)")
    cluster.crash()
    let left = try objects(box)
    let table = { try box.runInside(["cat", "/proc/sysvipc/shm"]).stdout }
    let before = try table()
    let dry = try box.run(["clean", "--all", "--dry-run"])
    #expect(dry.lines.filter { $0.hasPrefix("would remove p") || $0.hasPrefix("would remove s") }.count == left.count, "\(dry)")
    #expect(try table() == before, "\(dry)")
    #expect(try objects(box) == left)
  }

  /// With dynamic_shared_memory_type = mmap the dynamic segments are files of the data
  /// directory: the interlock is the whole set, read as a running cluster's while it runs.
  @Test func anMmapClusterIsOneInterlock() throws {
    let box = try Sandbox()
    // Beside it, what a crashed cluster left once its interlock was taken alone (--force):
    // found by its control segment, and no segment of the running mmap cluster's.
    let old = try PostgreSQLCluster(in: box)
    try #require(try old.start(), "the server did not start:\n\(old.log)")
    old.crash()
    let oldInterlock = try #require(try objects(box).first { $0.hasPrefix("sysv-shm:") })
    #expect(try box.run(["clean", "--force", oldInterlock]).status == 0)
    let leftovers = try objects(box)
    let cluster = try PostgreSQLCluster(in: box, settings: ["dynamic_shared_memory_type = mmap"])
    try #require(try cluster.start(), "the server did not start:\n\(cluster.log)")
    let postmaster = try #require(cluster.postmasterPID)
    let live = try objects(box).subtracting(leftovers)
    try #require(live.count == 1, "\(live)")
    let held = try box.run(["clean", "--all"])
    #expect(held.lines.contains { $0.hasPrefix("kept     \(live.first!): in use by \(postmaster) ") }, "\(held)")
    #expect(held.lines.filter { $0.hasPrefix("removed  ") }.count == leftovers.count, "\(held)")
    #expect(try objects(box) == live)
    let users = try box.run(["list", "--users", "--kind", "sysv-shm", "-o", "ref,users", "--no-headings"])
    #expect(users.lines.first?.hasSuffix("; held by PostgreSQL, postmaster \(postmaster)") == true, "\(users)")
    cluster.crash()
    let all = try box.run(["clean", "--all"])
    #expect(all.lines == ["removed  \(live.first!)", "removed 1, kept 0 in use, failed 0"], "\(all)")
    #expect(try cluster.start(), "the server did not start again:\n\(cluster.log)")
  }
}
