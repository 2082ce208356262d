import Foundation
import IPCKit
import TestSupport
import Testing

@testable import IPCToolCLI

/// `ipctool memory --unused`, `--older-than` and `--idle` choose shared memory objects as
/// `list` does: unused is nobody maps it, holds it open or has it attached; age is time since
/// the last activity, unknown (never old) for a segment mapped or held now. What they leave out
/// goes into not_selected, so the rows still add up to Shmem (issue #27).
@Suite(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"))
struct MemoryUsageSelectorTests {
  static let mb = 1 << 20

  /// What the test made: one of each, in the sandbox.
  struct Made {
    var box: Sandbox
    var holder: RunningProgram
    /// When the objects were made: the "new" file's activity is 2 hours after it.
    var time: Int
    var old: String, new: String, held: String
    var attached: Int32, idle: Int32
    var attacher: RunningProgram

    func stop() {
      holder.stop()
      attacher.stop()
    }
  }

  /// An attached and an unattached segment; /dev/shm files: one held open by a child (which
  /// also holds a file unlinked and a memfd: no object, held by definition), two held by
  /// nobody, one of them last written 2 hours from now (touch -d: its age is known and young,
  /// whatever clock reads it before then).
  static func make() throws -> Made {
    let box = try Sandbox()
    let time = Int(Glibc.time(nil))
    let old = box.name("old"), new = box.name("new"), held = box.name("held")
    let gone = box.name("gone")
    let written = try box.runInside([
      "/bin/sh", "-c",
      "head -c \(2 * mb) /dev/zero > /dev/shm\(old) && head -c \(3 * mb) /dev/zero"
        + " > /dev/shm\(new) && touch -d @\(time + 7200) /dev/shm\(new)",
    ])
    try #require(written.status == 0, "\(written)")
    let holder = try RunningProgram(
      "/usr/bin/nsenter",
      [
        "--target", String(box.pid), "--ipc", "--mount", "--", "python3", "-c",
        """
        import os, sys, time
        def written(path, size):
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
            os.posix_fallocate(fd, 0, size)
            return fd
        held = written('/dev/shm\(held)', \(mb))
        gone = written('/dev/shm\(gone)', \(mb))
        os.unlink('/dev/shm\(gone)')
        memfd = os.memfd_create('ipctool-test-memfd', 0)
        os.posix_fallocate(memfd, 0, \(mb))
        print('holding', file=sys.stderr, flush=True)
        time.sleep(600)
        """,
      ])
    try #require(waitUntil { holder.outputSoFar.contains("holding") }, "\(holder.outputSoFar)")
    let attached = box.plainSysVSegment(size: 65536)
    let idle = box.plainSysVSegment(size: 65536)
    let attacher = try box.attacher(attached)
    return Made(
      box: box, holder: holder, time: time, old: old, new: new, held: held,
      attached: attached, idle: idle, attacher: attacher)
  }

  @Test(.otherUsersCanRunTheTool)
  func unusedChoosesWhatNobodyHoldsAndTheRestIsNotSelected() throws {
    let made = try Self.make()
    defer { made.stop() }
    let box = made.box

    let unused = try Self.account(box, ["--unused"])
    #expect(
      Self.picked(unused) == [
        "posix-shm:\(made.old)", "posix-shm:\(made.new)", "sysv-shm:\(made.idle)",
      ], "\(unused)")
    try MemorySelectorTests.expectSum(unused)
    // The held file, the unlinked one and the memfd (a megabyte each) are not selected.
    #expect((unused["not_selected"] as? Int ?? 0) >= 3 * Self.mb, "\(unused)")

    // With a kind, as list: only the unattached segment.
    let segments = try Self.account(box, ["--unused", "--kind", "sysv-shm"])
    #expect(Self.picked(segments) == ["sysv-shm:\(made.idle)"], "\(segments)")
    try MemorySelectorTests.expectSum(segments)

    // An age by the real clock: "0s" is every object whose age is known and not in the
    // future; the held file and the attached segment have none, the new file's is negative.
    let known = try Self.account(box, ["--older-than", "0s"])
    #expect(
      Self.picked(known) == ["posix-shm:\(made.old)", "sysv-shm:\(made.idle)"], "\(known)")
    try MemorySelectorTests.expectSum(known)

    // Unknown is not unused: another user cannot read root's processes in the namespace, which
    // may hold any of its files, so no file is; the kernel counts the segment's attachments.
    let asNobody = try Self.account(box, ["--unused"], as: 65534)
    #expect(Self.picked(asNobody) == ["sysv-shm:\(made.idle)"], "\(asNobody)")
    try MemorySelectorTests.expectSum(asNobody)
    let listedAsNobody = try box.run(
      ["list", "--unused", "--kind", "shm", "-o", "ref", "--noheadings"], as: 65534)
    #expect(Set(listedAsNobody.lines) == Self.picked(asNobody), "\(listedAsNobody)")

    // list picks the same, by the same rules.
    let listed = try box.run(["list", "--unused", "--kind", "shm", "-o", "ref", "--noheadings"])
    #expect(Set(listed.lines) == Self.picked(unused), "\(listed)")

    let table = try box.run(["memory", "--unused"])
    #expect(table.lines.contains { $0.hasPrefix("not selected ") }, "\(table)")
    #expect(table.lines.contains { $0.hasPrefix("posix-shm:\(made.old) ") }, "\(table)")
    #expect(!table.lines.contains { $0.hasPrefix("posix-shm:\(made.held) ") }, "\(table)")

    // Processes and cgroups are no objects: these selectors with --by are refused too.
    for selector in [["--unused"], ["--idle", "1h"]] {
      let refused = try box.run(["memory", "--by", "process"] + selector)
      #expect(refused.status == 2 && refused.stderr.contains("not with '--by'"), "\(refused)")
    }
  }

  /// `--older-than 1h` and `--idle 1h` by a clock 2.5 hours on: the old file and the idle
  /// segment are 2.5 hours old, the new file half an hour; the held file and the attached
  /// segment have no known age. The command runs in this process, on a thread in the
  /// sandbox's IPC namespace, with only the clock fixed.
  @Test func anAgeChoosesByTheLastActivity() throws {
    let made = try Self.make()
    defer { made.stop() }
    let later = made.time + 9000
    for selector in [["--older-than", "1h"], ["--idle", "1h"]] {
      let old = try Self.accountInProcess(made.box, selector, now: later)
      #expect(
        Self.picked(old) == ["posix-shm:\(made.old)", "sysv-shm:\(made.idle)"], "\(old)")
      try MemorySelectorTests.expectSum(old)
      // The new file (3 MB) and the held ones (3 MB) went to not_selected.
      #expect((old["not_selected"] as? Int ?? 0) >= 6 * Self.mb, "\(old)")
    }
    let both = try Self.accountInProcess(made.box, ["--older-than", "1h", "--unused"], now: later)
    #expect(Self.picked(both) == ["posix-shm:\(made.old)", "sysv-shm:\(made.idle)"], "\(both)")
    // Three hours is older than the oldest: nothing selected, everything in not_selected.
    let none = try Self.accountInProcess(made.box, ["--older-than", "3h"], now: later)
    #expect(Self.picked(none).isEmpty, "\(none)")
    #expect(none["not_selected"] as? Int == none["explained"] as? Int, "\(none)")
  }

  static func account(_ box: Sandbox, _ selectors: [String], as user: uid_t? = nil) throws
    -> [String: Any]
  {
    let run = try box.run(["memory", "--json"] + selectors, as: user)
    try #require(run.status == 0, "\(run)")
    return try #require(
      try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run)")
  }

  /// `memory --json SELECTORS` as the command runs it, in this process, on a thread that has
  /// joined the sandbox's IPC namespace, with its /dev/shm and a clock that says `now`.
  static func accountInProcess(_ box: Sandbox, _ selectors: [String], now: Int) throws
    -> [String: Any]
  {
    let (status, out, err) = try onThread(in: .of(box.pid)) {
      () throws -> (Int32, String, String) in
      var parsed = try ArgumentParser(command: MemoryCommand.spec).parse(["--json"] + selectors)
      parsed.target = IPCContext(paths: .target(box.pid), clock: .fixed(now))
      var out = ""
      var err = ""
      let console = Console(width: 100, out: { out += $0 }, err: { err += $0 })
      return (MemoryCommand.run(parsed, console).rawValue, out, err)
    }
    try #require(status == 0, "\(err)")
    return try #require(
      try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any], "\(out)")
  }

  /// The rows chosen, as references.
  static func picked(_ document: [String: Any]) -> Set<String> {
    Set(
      (document["rows"] as? [[String: Any]] ?? []).compactMap { row in
        switch row["kind"] as? String {
        case "posix-shm": (row["name"] as? String).map { "posix-shm:" + $0 }
        case "sysv-shm": (row["id"] as? Int).map { "sysv-shm:\($0)" }
        default: "unexpected \(row["kind"] ?? "row")"
        }
      })
  }
}
