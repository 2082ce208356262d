import Foundation
import TestSupport
import Testing

/// An object a process this caller may not read could be using is neither used nor unused:
/// ipctool_attached_processes adds nothing for it, so ipctool_objects_users_unknown counts it.
@Suite(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"))
struct MetricsUsersUnknownTests {
  @Test(.otherUsersCanRunTheTool) func objectsWhoseUsersAreUnknownAreCounted() throws {
    let box = try Sandbox()
    box.plainPosixSegment(box.name("s"), size: 4096, mode: 0o644)
    func values(_ run: ToolRun) -> (unknown: Double?, unused: Double?, attached: Double?) {
      let metrics = ExposedMetrics(run.stdout)
      let labels = ["kind": "posix-shm", "owner": "root"]
      return (
        metrics.value("ipctool_objects_users_unknown", labels),
        metrics.value("ipctool_unused_objects", labels),
        metrics.value("ipctool_attached_processes", labels)
      )
    }
    let asRoot = try box.run(["metrics"])
    #expect(asRoot.status == 0, "\(asRoot)")
    let root = values(asRoot)
    #expect(root.unknown == 0 && root.unused == 1 && root.attached == 0, "\(asRoot.stdout)")
    // nobody may not read the sandbox's holder (root's), whose mounts reach this /dev/shm.
    let asNobody = try box.run(["metrics"], as: 65534)
    #expect(asNobody.status == 0, "\(asNobody)")
    let nobody = values(asNobody)
    #expect(nobody.unknown == 1 && nobody.unused == 0 && nobody.attached == 0, "\(asNobody.stdout)")
  }
}
