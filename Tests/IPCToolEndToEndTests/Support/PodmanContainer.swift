import Foundation
import TestSupport

/// A real container: Podman with runc and a root file system of busybox and a copy of the built
/// ipctool (with the libraries ldd names), no image download. Podman itself runs inside a
/// sandbox, its state in a folder of the test's, and its locks are files there too
/// (`containersConf`), not /dev/shm/libpod_lock: the host's /dev/shm never gains one (checked
/// when the container goes). The container gets namespaces of its own, as any container does.
final class PodmanContainer {
  /// Why the machine cannot run one, or nil.
  static let unavailableReason: String? = {
    for tool in ["/usr/bin/podman", "/usr/sbin/runc", "/usr/bin/busybox", "/usr/bin/ldd"]
    where !FileManager.default.isExecutableFile(atPath: tool) {
      return "\(tool) is not installed (Debian's podman, runc, busybox-static)"
    }
    return nil
  }()

  let box: Sandbox
  let id: String
  let pid: pid_t
  private let folder: TemporaryDirectory
  /// The host's /dev/shm's libpod entries before: none may be added.
  private let hostLibpod = HostDevShm.libpodNames()

  /// `entrypoint` is what the container runs (busybox's applets are there by name);
  /// `runOptions` go to `podman run` ("--memory", "256m").
  init(entrypoint: [String] = ["/bin/sleep", "1000"], runOptions: [String] = []) throws {
    box = try Sandbox()
    folder = try TemporaryDirectory(shared: true)
    let root = folder.file("root")
    for sub in ["bin", "dev/shm", "proc", "tmp", "sys"] { folder.makeDirectory("root/" + sub) }
    try folder.copy("/usr/bin/busybox", as: "root/bin/busybox")
    for link in ["sh", "sleep", "unshare", "mount", "ln"] { folder.symlink("root/bin/" + link, to: "busybox") }
    try folder.copy(toolPath, as: "root/bin/ipctool")
    // Whatever the two programs load (a static busybox: nothing), at the same paths.
    let libraries = try [toolPath, "/usr/bin/busybox"].flatMap { program in
      try runProgram("/usr/bin/ldd", [program]).stdout.split(separator: "\n").compactMap { line in
        line.split(whereSeparator: \.isWhitespace).first { $0.hasPrefix("/") }  // the interpreter's line starts with a tab
      }
    }
    for library in Set(libraries.map(String.init)) {
      folder.makeDirectory("root" + (library as NSString).deletingLastPathComponent)
      let resolved = (library as NSString).resolvingSymlinksInPath
      try folder.copy(resolved, as: "root" + library)
    }
    try folder.write("containers.conf", Self.containersConf(""), mode: 0o644)
    let started = try Self.podman(box, folder, ["run", "-d", "--network", "none"] + runOptions + ["--rootfs", root] + entrypoint)
    guard started.status == 0 else { throw SandboxError(message: "podman run failed: \(started)") }
    id = started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let inspected = try Self.podman(box, folder, ["inspect", "-f", "{{.State.Pid}}", id])
    guard let pid = pid_t(inspected.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
      throw SandboxError(message: "podman inspect: \(inspected)")
    }
    self.pid = pid
  }

  /// Removes the container, then waits for the cleanup podman that conmon starts once the
  /// container has gone: run late, it would make its folders again in a removed test folder.
  deinit {
    _ = try? Self.podman(box, folder, ["rm", "-f", "-t", "0", id])
    _ = waitUntil(timeout: 10, every: 0.05) { !Self.anyProcessMentions(self.folder.path) }
    HostDevShm.expectNoNewLibpodEntry(since: hostLibpod, "podman")
  }

  /// Whether a running process has `path` in its command line (podman, conmon).
  static func anyProcessMentions(_ path: String) -> Bool {
    let wanted = Array(path.utf8)
    let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap { Int32($0) } ?? []
    return pids.contains { pid in
      guard let line = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
      return Array(line).firstRange(of: wanted) != nil
    }
  }

  /// A command inside the container.
  func exec(_ command: [String]) throws -> ToolRun {
    try Self.podman(box, folder, ["exec", id] + command)
  }

  /// The containers.conf every test's Podman reads: no ulimits to raise, locks as files in its
  /// --tmpdir rather than a shared memory object in /dev/shm (which, made where /dev/shm is the
  /// host's, would stay there for good), and `containers` more settings of that section.
  static func containersConf(_ containers: String) -> String {
    "[containers]\ndefault_ulimits = []\n\(containers)[engine]\nlock_type = \"file\"\n"
  }

  /// Podman run inside `box`, its state in `folder` (and its containers.conf there). It runs
  /// only where the mount namespace is not the test's own, so never on the host's /dev/shm.
  static func podman(_ box: Sandbox, _ folder: TemporaryDirectory, _ arguments: [String]) throws -> ToolRun {
    let options = [
      // Its state, run files and exit records in the test's folder, not in /var/lib or /run.
      "--root", folder.file("storage"), "--runroot", folder.file("run"), "--tmpdir", folder.file("tmp"),
      "--network-config-dir", folder.file("networks"),
      "--runtime", "runc",
      "--cgroup-manager=cgroupfs", "--events-backend=none",
    ]
    // conmon, which podman leaves running, would inherit the descriptor by which Foundation
    // sees podman end, and the test would wait forever: close all but stdio first.
    let closingInherited = """
      [ "$(readlink /proc/$$/ns/mnt)" != "$0" ] || { echo "podman: not in the sandbox's mount namespace" >&2; exit 125; }
      for fd in /proc/$$/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done; exec "$@"
      """
    let ours = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/mnt")
    return try box.runInside(
      ["/bin/bash", "-c", closingInherited, ours, "/usr/bin/podman"] + options + arguments,
      environment: ["CONTAINERS_CONF": folder.file("containers.conf")])
  }
}
