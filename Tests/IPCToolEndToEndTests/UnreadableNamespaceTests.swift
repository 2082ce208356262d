import Foundation
import TestSupport
import Testing

/// A process whose /proc/PID/ns/ipc the caller may not read (it needs ptrace access) is in a
/// namespace unknown, not in none: a reading of every namespace counts such processes and says
/// so, rather than leaving their namespaces out in silence.
@Suite(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"))
struct UnreadableNamespaceTests {
  @Test(.otherUsersCanRunTheTool) func processesOfUnreadableNamespacesAreCounted() throws {
    let box = try Sandbox()
    // Even root may be refused some (on some hosts pid 1's): few, but counted too.
    let asRoot = try box.run(["metrics", "-A"])
    #expect(asRoot.status == 0, "\(asRoot)")
    let refusedRoot = try #require(
      ExposedMetrics(asRoot.stdout).value("ipctool_namespace_unreadable_processes"), "\(asRoot)")

    // nobody may not read root's processes' namespaces (the sandbox's holder is one): more.
    let asNobody = try box.run(["metrics", "-A"], as: 65534)
    #expect(asNobody.status == 0, "\(asNobody)")
    let hidden = ExposedMetrics(asNobody.stdout).value("ipctool_namespace_unreadable_processes")
    #expect((hidden ?? 0) > refusedRoot, "\(asNobody.stdout)")
    let census = try box.run(["namespaces"], as: 65534)
    #expect(census.status == 0, "\(census)")
    let note = census.stderr.split(separator: "\n").filter { $0.contains("IPC namespace could not be read") }
    #expect(note.count == 1, "\(census.stderr)")
    #expect(note.first?.hasPrefix("ipctool: ") == true && note.first?.contains("ptrace") == true)
  }
}
