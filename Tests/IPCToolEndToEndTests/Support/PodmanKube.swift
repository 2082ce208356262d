import Foundation
import TestSupport

/// `podman kube play` driven by a test: Podman inside a sandbox of its own (its locks files in
/// its folder, never in the host's /dev/shm), its state in a folder of the test's, and one image imported from the
/// root file system contrib/kubernetes/rootfs.sh makes of the built ipctool and busybox:
/// nothing is pulled.
///
/// Podman plays DaemonSets from 4.7 and honours a Pod's hostPID from 4.5; Debian's 4.3 does
/// neither. So a DaemonSet is played as a Pod with its template's spec (`podFromDaemonSet`),
/// and where that spec asks for hostPID the store's containers.conf gives every container the
/// host's PID namespace (pidns = "host"). Where it asks for hostIPC the same way, but not with
/// ipcns = "host": kube play 4.3 gives each pod container its infra container's shm size,
/// which it refuses with the host's IPC namespace ("cannot set shmsize when running in the
/// host IPC Namespace"). ipcns names the namespace Podman runs in by its path instead (the
/// sandbox's, through its holder's /proc entry): the infra container joins it, and the pod's
/// containers join the infra's, as they do in every pod.
final class PodmanKube {
  /// Why the machine cannot play one, or nil.
  static let unavailableReason: String? = {
    if let reason = PodmanContainer.unavailableReason { return reason }
    guard FileManager.default.isExecutableFile(atPath: python) else { return "\(python) is not installed" }
    let probe = try? runProgram(python, ["-c", "import yaml"])
    return probe?.status == 0 ? nil : "PyYAML is not installed (Debian's python3-yaml)"
  }()

  static let python = "/usr/bin/python3"
  let box: Sandbox
  let image: String
  private let folder: TemporaryDirectory
  /// The host's /dev/shm's libpod entries before: none may be added.
  private let hostLibpod = HostDevShm.libpodNames()

  /// Imports the image, named `image`, for playing the DaemonSet in `manifest`: its pod
  /// spec's hostPID and hostIPC set what containers.conf gives every container.
  init(image: String, manifest: String) throws {
    self.image = image
    box = try Sandbox(mountMqueue: false)
    folder = try TemporaryDirectory(shared: true)
    let host = try Self.hostNamespaces(manifest)
    let namespaces =
      (host.contains("hostPID") ? "pidns = \"host\"\n" : "")
      + (host.contains("hostIPC") ? "ipcns = \"ns:/proc/\(box.pid)/ns/ipc\"\n" : "")
    try folder.write("containers.conf", PodmanContainer.containersConf(namespaces), mode: 0o644)
    let tar = folder.file("rootfs.tar")
    let made = try runProgram(
      "/bin/sh", [repository + "/contrib/kubernetes/rootfs.sh", toolPath, tar, "/usr/bin/busybox"])
    guard made.status == 0 else { throw SandboxError(message: "rootfs.sh: \(made)") }
    let imported = try podman(["import", tar, image])
    guard imported.status == 0 else { throw SandboxError(message: "podman import: \(imported)") }
  }

  /// Removes what is left (pods, containers, images), then waits for the cleanup processes
  /// conmon starts, as PodmanContainer does.
  deinit {
    _ = try? podman(["pod", "rm", "-f", "-a", "-t", "0"])
    _ = try? podman(["rmi", "-a", "-f"])
    _ = waitUntil(timeout: 10, every: 0.05) { !PodmanContainer.anyProcessMentions(self.folder.path) }
    HostDevShm.expectNoNewLibpodEntry(since: hostLibpod, "podman kube")
  }

  func podman(_ arguments: [String]) throws -> ToolRun {
    try PodmanContainer.podman(box, folder, arguments)
  }

  /// A file of the test's folder, named `name`, holding `text`; its path.
  func write(_ name: String, _ text: String) throws -> String {
    try folder.write(name, text, mode: 0o644)
    return folder.file(name)
  }

  /// Which of hostPID and hostIPC the pod spec of the DaemonSet in `manifest` sets true.
  static func hostNamespaces(_ manifest: String) throws -> Set<String> {
    let script = """
      import sys, yaml
      spec = yaml.safe_load(open(sys.argv[1]))["spec"]["template"]["spec"]
      print(" ".join(field for field in ("hostPID", "hostIPC") if spec.get(field) is True))
      """
    let run = try runProgram(python, ["-c", script, manifest])
    guard run.status == 0 else { throw SandboxError(message: "the DaemonSet's pod spec: \(run)") }
    return Set(run.stdout.split(whereSeparator: \.isWhitespace).map(String.init))
  }

  /// The DaemonSet in `manifest` as a Pod of the same name and spec, its `volume` hostPath set
  /// to `hostPath` and the capabilities in `dropping` taken out of what it adds (each must be
  /// there). Made by PyYAML, the way the manifest's comment tells Podman < 4.7 users to.
  static func podFromDaemonSet(
    _ manifest: String, volume: String, hostPath: String, dropping: [String] = []
  ) throws -> String {
    let script = """
      import sys, yaml
      manifest, volume, path, *dropping = sys.argv[1:]
      daemonset = yaml.safe_load(open(manifest))
      assert daemonset["kind"] == "DaemonSet", daemonset["kind"]
      spec = daemonset["spec"]["template"]["spec"]
      [found] = [v for v in spec["volumes"] if v["name"] == volume]
      found["hostPath"]["path"] = path
      for container in spec["containers"]:
          capabilities = container["securityContext"]["capabilities"]
          for capability in dropping:
              capabilities["add"].remove(capability)
      pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": daemonset["metadata"]["name"]}, "spec": spec}
      print(yaml.safe_dump(pod))
      """
    let run = try runProgram(python, ["-c", script, manifest, volume, hostPath] + dropping)
    guard run.status == 0 else { throw SandboxError(message: "the Pod from the DaemonSet: \(run)") }
    return run.stdout
  }
}
