import Foundation
import TestSupport
import Testing

/// A live PostgreSQL keeps dynamic shared memory segments with no process mapping them. clean
/// must never take them while the server runs, and after a crash must take its whole set or
/// none of it (the bug report: `clean --all` removed the statistics segment, and every new
/// connection failed).
@Suite(
  .enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"),
  .enabled(if: PostgreSQLCluster.unavailableReason == nil, "\(PostgreSQLCluster.unavailableReason ?? "")"),
  .serialized)
struct PostgreSQLTests {
  /// What the server has in shared memory: /dev/shm names and System V segment ids.
  func objects(_ box: Sandbox) throws -> [String] {
    try box.run(["list", "--kind", "shm", "-o", "ref", "--no-headings"]).lines
  }

  @Test func aRunningServerKeepsEverySegmentWhateverTheSelector() throws {
    let box = try Sandbox()
    let cluster = try PostgreSQLCluster(in: box)
    try #require(try cluster.start(), "the server did not start:\n\(cluster.log)")
    let postmaster = try #require(cluster.postmasterPID)
    let before = try objects(box)
    // The interlock (System V) and at least the control and statistics segments.
    #expect(before.contains { $0.hasPrefix("sysv-shm:") }, "\(before)")
    #expect(before.filter { $0.hasPrefix("posix-shm:/PostgreSQL.") }.count >= 2, "\(before)")

    // The statistics segment has no user, and list says who holds it.
    let users = try box.run(["list", "--users", "--kind", "posix-shm", "-o", "ref,users"])
    #expect(users.lines.contains { $0.hasSuffix("  held by PostgreSQL, postmaster \(postmaster)") }, "\(users)")
    let unmapped = try #require(
      users.lines.first { $0.hasSuffix("  held by PostgreSQL, postmaster \(postmaster)") }?
        .split(separator: " ").first.map(String.init))
    // Users are named by their command lines, so the postmaster and a backend are told apart.
    // (inspect names every user; a table's cell names the first and counts the rest.)
    let interlock = try box.run(["inspect", try #require(before.first { $0.hasPrefix("sysv-shm:") })])
    #expect(interlock.stdout.contains("(postgres: checkpointer)"), "\(interlock)")
    let inspected = try box.run(["inspect", unmapped])
    #expect(inspected.stdout.contains("held by PostgreSQL, postmaster \(postmaster)"), "\(inspected)")

    for selector in [["--all"], ["--prefix", "/PostgreSQL."], ["--owner", "postgres"], ["--kind", "shm"]] {
      let run = try box.run(["clean"] + selector)
      #expect(run.status == 0, "\(selector): \(run)")
      #expect(!run.stdout.contains("removed  "), "\(selector): \(run)")
      #expect(run.stdout.contains("kept     \(unmapped): held by PostgreSQL, postmaster \(postmaster)"), "\(run)")
      #expect(try objects(box) == before, "\(selector)")
      #expect(try cluster.select1() == "1", "\(selector) broke the server:\n\(cluster.log)")
    }
    let stopped = try cluster.stop()
    #expect(stopped.status == 0, "\(stopped)")
    #expect(cluster.log.contains("database system is shut down"), "\(cluster.log)")
    #expect(!cluster.log.contains("abnormal"), "\(cluster.log)")
    #expect(try objects(box).isEmpty)
  }

  @Test func aCrashedServersSetGoesWholeOrNotAtAll() throws {
    let box = try Sandbox()
    let cluster = try PostgreSQLCluster(in: box)
    try #require(try cluster.start(), "the server did not start:\n\(cluster.log)")
    let postmaster = try #require(cluster.postmasterPID)
    cluster.killAll()
    let left = try objects(box)
    let interlock = try #require(left.first { $0.hasPrefix("sysv-shm:") })
    try #require(left.count >= 3, "\(left)")

    // Only the System V part selected: the interlock stays, or the others stay for good.
    let partial = try box.run(["clean", "--kind", "sysv-shm"])
    #expect(partial.lines.first?.hasPrefix(
      "kept     \(interlock): left by PostgreSQL, postmaster \(postmaster) (gone) with posix-shm:/PostgreSQL.") == true,
      "\(partial)")
    #expect(try objects(box) == left)

    // Everything selected: the whole set goes at once.
    let all = try box.run(["clean", "--all"])
    #expect(all.status == 0, "\(all)")
    #expect(all.lines.last == "removed \(left.count), kept 0 in use, failed 0", "\(all)")
    #expect(try objects(box).isEmpty)

    // The server starts again cleanly, and after a second crash the same holds.
    #expect(try cluster.start(), "the server did not start again:\n\(cluster.log)")
    #expect(!cluster.log.contains("could not open shared memory segment"), "\(cluster.log)")
    cluster.killAll()
    let again = try objects(box)
    let second = try box.run(["clean", "--kind", "sysv-shm"])
    #expect(second.lines.last == "removed 0, kept 0 in use, 1 of crashed sets that stay whole, failed 0", "\(second)")
    #expect(try objects(box) == again)
    #expect(try box.run(["clean", "--owner", "postgres"]).lines.last == "removed \(again.count), kept 0 in use, failed 0")
    #expect(try objects(box).isEmpty)
  }
}
