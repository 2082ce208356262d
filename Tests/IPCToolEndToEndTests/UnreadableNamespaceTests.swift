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

  /// Every command that reads every namespace says what it could not see, once, on stderr, and
  /// that it needs root (#26): as another user the table holds the caller's own namespace
  /// only, which must not pass for the host's. The exit status stays 0, as for a kind not read
  /// (EXIT STATUS). Run through setpriv, as a user would drop privileges.
  @Test(.otherUsersCanRunTheTool) func everyAllNamespacesCommandSaysOnceWhatItCouldNotRead() throws {
    let box = try Sandbox()
    let name = box.name("seen")
    #expect(try box.run(["create", "posix-shm", name, "--size", "4096", "--mode", "0644"]).status == 0)
    for command in Self.everyNamespaceCommands {
      let run = try Self.asNobody(box, command)
      #expect(run.status == 0, "\(command): \(run)")
      let notes = run.stderr.split(separator: "\n").filter { $0.contains("IPC namespace could not be read") }
      #expect(notes.count == 1, "\(command): \(run.stderr)")
      for note in notes {
        #expect(note.hasPrefix("ipctool: "), "\(command): \(note)")
        #expect(note.contains("root") && note.contains("CAP_SYS_PTRACE"), "\(command): \(note)")
        #expect(note.contains("not shown"), "\(command): \(note)")
      }
    }
    // What was read is still shown: the caller's own namespace, whose object nobody may read.
    let listed = try Self.asNobody(box, ["list", "-A"])
    #expect(listed.stdout.contains(name), "\(listed)")
    // With --json the document is the objects alone and the note goes to stderr, as every
    // gap of list's does.
    let json = try Self.asNobody(box, ["list", "-A", "--json"])
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "\(json)")
    #expect(Set(document.keys) == ["objects"], "\(json.stdout)")
    #expect((document["objects"] as? [[String: Any]])?.contains { $0["ref"] as? String == "posix-shm:" + name } == true)
  }

  /// A namespace another user may find (its process is that user's) but not join (setns needs
  /// CAP_SYS_ADMIN) is said once with what joining needs, by every command that reads every
  /// namespace: never left out of a table in silence.
  @Test(.otherUsersCanRunTheTool, .enabled(if: Self.unprivilegedUserNamespaces, "unprivileged user namespaces are disabled"))
  func aNamespaceFoundButNotJoinedSaysItNeedsRoot() throws {
    let box = try Sandbox()
    // nobody's own process in an IPC namespace of its own (through a user namespace of its own).
    let theirs = try RunningProgram(
      "/usr/bin/setpriv",
      Self.nobody + ["/usr/bin/unshare", "--user", "--ipc", "/bin/sleep", "1000"])
    defer { theirs.stop() }
    let ours = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/ipc")
    var link = ""
    waitUntil(timeout: 20) {
      link = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(theirs.pid)/ns/ipc")) ?? ""
      return !link.isEmpty && link != ours
    }
    let inode = try #require(link.split(separator: "[").last?.dropLast(), "\(link)")
    for command in Self.everyNamespaceCommands where command != ["namespaces"] {
      let run = try Self.asNobody(box, command)
      #expect(run.status == 0, "\(command): \(run)")
      // Other tests' processes of nobody's may be in namespaces of their own too (and gone
      // before joined: a line of its own): theirs share the one line.
      let notes = run.stderr.split(separator: "\n").filter { $0.contains("CAP_SYS_ADMIN") }
      #expect(notes.count == 1, "\(command): \(run.stderr)")
      for note in notes {
        #expect(note.hasPrefix("ipctool: ") && note.contains("cannot join"), "\(command): \(note)")
        #expect(note.contains("namespace \(inode) ") && note.contains("root"), "\(command): \(note)")
      }
    }
    // namespaces shows it as a row of '?', its note saying the same.
    let census = try Self.asNobody(box, ["namespaces"])
    let note = census.stderr.split(separator: "\n").filter { $0.contains("namespace \(inode):") }
    #expect(note.count == 1 && note.first?.contains("CAP_SYS_ADMIN") == true, "\(census)")
  }

  static let everyNamespaceCommands = [
    ["list", "-A"], ["list", "-A", "--json"], ["memory", "-A"], ["memory", "-A", "--json"],
    ["metrics", "-A"], ["watch", "-A", "--count", "1"], ["namespaces"],
  ]

  static let nobody = ["--reuid=65534", "--regid=65534", "--clear-groups"]

  /// ipctool's reachable copy run in the sandbox by setpriv as nobody, from /.
  static func asNobody(_ box: Sandbox, _ arguments: [String]) throws -> ToolRun {
    let tool = try #require(ReachableTool.path)
    return try box.runInside(
      ["/bin/sh", "-c", "cd / && exec \"$@\"", "sh", "/usr/bin/setpriv"] + nobody + [tool] + arguments)
  }

  /// Whether nobody may make a user namespace here (a kernel or AppArmor may forbid it).
  static let unprivilegedUserNamespaces: Bool = {
    guard getuid() == 0 else { return false }
    let probe = try? runProgram("/usr/bin/setpriv", nobody + ["/usr/bin/unshare", "--user", "--ipc", "/bin/true"])
    return probe?.status == 0
  }()
}
