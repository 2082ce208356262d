import Foundation
import TestSupport
import Testing

/// clean decides first what the caller may remove, by the kernel's rules for this caller.
@Suite(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"))
struct CallerPermissionTests {
  func leftovers(_ box: Sandbox) throws {
    for arguments in [
      ["create", "posix-shm", "/pi_rw", "--size", "1"], ["create", "posix-sem", "/pi_lock"],
      ["create", "sysv-sem", "--count", "1"],
    ] { try #require(try box.run(arguments).status == 0) }
  }

  /// Not "kept ... in use (--force removes it)": --force could never remove them.
  @Test(.otherUsersCanRunTheTool) func whatAnotherUserMayNotRemoveFailsFirst() throws {
    let box = try Sandbox()
    try leftovers(box)
    let run = try box.run(["clean", "--prefix", "/pi_"], as: 65534)
    #expect(run.status == 1, "\(run)")
    #expect(run.lines == [
      "failed   posix-shm:/pi_rw: Permission denied", "failed   posix-sem:/pi_lock: Permission denied",
      "removed 0, kept 0 in use, failed 2 (permission denied)",
    ], "\(run)")
  }

  /// A non-root caller with CAP_FOWNER may unlink others' files in /dev/shm, and still not
  /// remove others' System V objects (that takes CAP_SYS_ADMIN).
  @Test(
    .otherUsersCanRunTheTool,
    .enabled(if: installed("setpriv"), "setpriv is not installed"))
  func aCallerWithCapFownerOnlyIsNotRefused() throws {
    let box = try Sandbox()
    try leftovers(box)
    let tool = try #require(ReachableTool.path)
    let capable = [
      "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
      "--inh-caps=+fowner", "--ambient-caps=+fowner", tool,
    ]
    // Allowed, so the question becomes whether they are in use; this user cannot read the other
    // processes, so that is unknown and they are kept, not refused.
    let cautious = try box.runInside(capable + ["clean", "--prefix", "/pi_"])
    #expect(cautious.lines.first?.hasPrefix("kept     posix-shm:/pi_rw: users unknown") == true, "\(cautious)")
    #expect(cautious.lines.last == "removed 0, kept 0 in use, 2 users unknown, failed 0", "\(cautious)")
    let json = try box.runInside(capable + ["clean", "--prefix", "/pi_", "--json", "--dry-run"])
    #expect(json.stdout.contains("\"users_unknown\": 2") && json.stdout.contains("\"why\": \"users_unknown\""), "\(json)")
    let posix = try box.runInside(capable + ["clean", "--prefix", "/pi_", "--force"])
    #expect(posix.status == 0 && posix.lines.last == "removed 2, kept 0 in use, failed 0", "\(posix)")
    let sysv = try box.runInside(capable + ["clean", "--kind", "sysv-sem"])
    #expect(sysv.status == 1 && sysv.lines.first == "failed   sysv-sem:0: Permission denied", "\(sysv)")
  }
}
