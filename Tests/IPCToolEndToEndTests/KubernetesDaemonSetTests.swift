import Foundation
import TestSupport
import Testing

/// contrib/kubernetes's DaemonSet, played by the real Podman on an image made from the built
/// binary: the pod is in the IPC namespace Podman runs in (hostIPC; with Podman 4.3 through
/// containers.conf, see PodmanKube), finds a namespace of the test's (a workload's) among the
/// host's, writes its objects' metrics into a folder of the host's, and each capability the
/// manifest adds is needed (without it something the test can see goes missing). The pod
/// reads the host's namespaces too: the test looks at its own namespace only, and nothing is
/// ever removed.
@Suite(
  .serialized,
  .enabled(if: Sandbox.isRoot, "needs root for namespaces and containers"),
  .enabled(if: PodmanKube.unavailableReason == nil, "\(PodmanKube.unavailableReason ?? "")"))
struct KubernetesDaemonSetTests {
  static let manifest = repository + "/contrib/kubernetes/ipctool-metrics.yaml"

  /// What the pod should see of the workload, and saw.
  struct Seen {
    var metrics: ExposedMetrics
    var namespace: String
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
      metrics.value(name, labels.merging(["namespace": namespace]) { $1 })
    }
  }

  @Test func thePodWritesEveryNamespacesMetrics() throws {
    let shmBefore = FileManager.default.fileExists(atPath: "/dev/shm/libpod_lock")
    let workload = try Workload()
    defer { workload.holder.stop() }
    let kube = try PodmanKube(image: try Self.image(), manifest: Self.manifest)
    let (seen, text, pod) = try Self.play(kube, workload)
    #expect(seen.metrics.malformed.isEmpty, "\(seen.metrics.malformed)")
    #expect(seen.value("ipctool_namespace_read") == 1, "\(text)")
    #expect(seen.value("ipctool_objects", ["kind": "posix-shm"]) == 2)
    #expect(seen.value("ipctool_shared_memory_bytes", ["kind": "posix-shm"]) == 12288)
    #expect(seen.value("ipctool_attached_processes", ["kind": "posix-shm"]) == 1)
    #expect(seen.value("ipctool_unused_objects", ["kind": "posix-shm"]) == 1)
    #expect(seen.value("ipctool_objects", ["kind": "sysv-mq"]) == 1)
    #expect(seen.value("ipctool_queued_bytes", ["kind": "sysv-mq"]) == 80)
    #expect(seen.value("ipctool_dev_shm_size_bytes") == Double(64 << 20))

    // promtool reads the file as Prometheus would.
    if let promtool = MetricsTests.promtool {
      let file = try kube.write("copy.prom", text)
      let check = try runProgram("/bin/sh", ["-c", "exec \"$0\" check metrics < \"$1\"", promtool, file])
      #expect(check.status == 0, "\(check)")
    }

    // Down and removed: no pod, container or image is left, and no lock file in /dev/shm.
    let down = try kube.podman(["kube", "down", pod])
    #expect(down.status == 0, "\(down)")
    #expect(try kube.podman(["rmi", "-a"]).status == 0)
    #expect(try kube.podman(["ps", "-a", "-q"]).stdout.isEmpty)
    #expect(try kube.podman(["pod", "ps", "-q"]).stdout.isEmpty)
    #expect(try kube.podman(["images", "-q"]).stdout.isEmpty)
    #expect(FileManager.default.fileExists(atPath: "/dev/shm/libpod_lock") == shmBefore)
  }

  /// hostIPC: the pod is in the IPC namespace Podman was started in (here the test's sandbox,
  /// the pod's "node"), not one of its own. Without CAP_SYS_ADMIN --all-namespaces can join no
  /// other namespace, so a namespace it reads in full is its own: the sandbox's objects there
  /// tell the pod shares it, where a pod of its own would show it unread
  /// (ipctool_namespace_read 0). The pod's process is checked to be in it too.
  @Test func thePodIsInTheIPCNamespaceItWasStartedIn() throws {
    let kube = try PodmanKube(image: try Self.image(), manifest: Self.manifest)
    let node = kube.box
    node.plainPosixSegment(node.name("node"), size: 4096)
    _ = node.plainSysVQueue(key: 0x5eee, messages: 3, size: 16)
    var status = stat()
    try #require(stat("/proc/\(node.pid)/ns/ipc", &status) == 0)
    let namespace = String(status.st_ino)
    let (seen, text, pod) = try Self.play(kube, namespace: namespace, dropping: ["SYS_ADMIN"])
    let inspected = try kube.podman([
      "inspect", "-f", "{{.State.Pid}}", "ipctool-metrics-ipctool-metrics",
    ])
    let podPid = inspected.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(
      (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(podPid)/ns/ipc"))
        == "ipc:[\(namespace)]", "\(inspected)")
    #expect(seen.value("ipctool_namespace_read") == 1, "\(text)")
    #expect(seen.value("ipctool_objects", ["kind": "posix-shm"]) == 1, "\(text)")
    #expect(seen.value("ipctool_shared_memory_bytes", ["kind": "posix-shm"]) == 4096)
    #expect(seen.value("ipctool_objects", ["kind": "sysv-mq"]) == 1)
    #expect(seen.value("ipctool_queued_bytes", ["kind": "sysv-mq"]) == 48)
    #expect(try kube.podman(["kube", "down", pod]).status == 0)
  }

  /// Each capability the manifest adds, taken out, loses something: without CAP_SYS_ADMIN the
  /// namespace is found but not joined; without CAP_SYS_PTRACE a namespace whose processes
  /// hold more capabilities than the pod is not even found (/proc/PID/ns is closed to it);
  /// without CAP_DAC_READ_SEARCH another user's process holding a segment is not seen
  /// (and the segments' users are unknown).
  @Test func eachCapabilityIsNeeded() throws {
    let workload = try Workload()
    defer { workload.holder.stop() }
    let kube = try PodmanKube(image: try Self.image(), manifest: Self.manifest)
    for capability in ["SYS_ADMIN", "SYS_PTRACE", "DAC_READ_SEARCH"] {
      let (seen, text, pod) = try Self.play(kube, workload, dropping: [capability])
      switch capability {
      case "SYS_ADMIN": #expect(seen.value("ipctool_namespace_read") == 0, "\(text)")
      case "SYS_PTRACE":
        #expect(!seen.metrics.samples.contains { $0.labels["namespace"] == seen.namespace }, "\(text)")
      default:
        #expect(seen.value("ipctool_namespace_read") == 1, "\(text)")
        #expect(seen.value("ipctool_attached_processes", ["kind": "posix-shm"]) != 1, "\(text)")
        // A process it cannot read might use either segment: unknown, so neither is unused.
        #expect(seen.value("ipctool_unused_objects", ["kind": "posix-shm"]) == 0, "\(text)")
      }
      #expect(try kube.podman(["kube", "down", pod]).status == 0)
    }
  }

  /// The image the manifest names.
  static func image() throws -> String {
    let text = try String(contentsOfFile: manifest, encoding: .utf8)
    let line = try #require(
      text.split(separator: "\n").lazy.map { $0.drop { $0 == " " } }.first { $0.hasPrefix("image: ") })
    return String(line.dropFirst("image: ".count))
  }

  /// Plays the manifest's pod (with `dropping` taken out of its capabilities), waits for its
  /// first file, and reads the workload's namespace in it; also the file and the Pod's path.
  static func play(_ kube: PodmanKube, _ workload: Workload, dropping: [String] = [])
    throws -> (Seen, String, String)
  {
    try play(kube, namespace: workload.namespace, dropping: dropping)
  }

  /// `play`, reading the IPC namespace whose inode is `namespace`.
  static func play(_ kube: PodmanKube, namespace: String, dropping: [String] = [])
    throws -> (Seen, String, String)
  {
    let textfile = try TemporaryDirectory(shared: true)
    let pod = try kube.write(
      "pod.yaml",
      try PodmanKube.podFromDaemonSet(
        manifest, volume: "textfile", hostPath: textfile.path, dropping: dropping))
    let played = try kube.podman(["kube", "play", "--network", "none", pod])
    try #require(played.status == 0, "\(played)")
    let file = textfile.file("ipctool.prom")
    let written = waitUntil(timeout: 60, every: 0.1) { FileManager.default.fileExists(atPath: file) }
    let logs = try kube.podman(["pod", "logs", "ipctool-metrics"])
    try #require(written, "the pod wrote no file: \(logs)")
    let text = try String(contentsOfFile: file, encoding: .utf8)
    return (Seen(metrics: ExposedMetrics(text), namespace: namespace), text, pod)
  }

  /// A namespace of the test's, like a container's: two POSIX segments (8 KiB held open by a
  /// process of another user, 4 KiB unused) and a System V queue with two 40-byte messages.
  struct Workload {
    let box: Sandbox
    let holder: RunningProgram
    /// Its IPC namespace's inode, as the metrics label it.
    let namespace: String

    init() throws {
      box = try Sandbox()
      let held = box.name("held")
      box.plainPosixSegment(held, size: 8192, mode: 0o644)
      box.plainPosixSegment(box.name("idle"), size: 4096)
      _ = box.plainSysVQueue(key: 0x5eed, messages: 2, size: 40)
      holder = try RunningProgram("/usr/bin/nsenter", [
        "--target", String(box.pid), "--ipc", "--mount", "--setuid", "65534", "--setgid", "65534",
        "--wd=/", "--", "/bin/sh", "-c", "exec 7</dev/shm\(held); exec sleep 1000",
      ])
      let pid = holder.pid
      try #require(waitUntil {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/7"))?
          .hasSuffix(held) ?? false
      }, "the holder did not open the segment")
      var status = stat()
      try #require(stat("/proc/\(box.pid)/ns/ipc", &status) == 0)
      namespace = String(status.st_ino)
    }
  }
}
