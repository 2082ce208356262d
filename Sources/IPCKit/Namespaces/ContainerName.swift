/// Which container a process belongs to, read from its /proc/PID/cgroup: the runtimes name
/// their cgroups after the container ("docker-ID.scope", "libpod-ID.scope", "cri-containerd-ID",
/// "crio-ID", a Kubernetes pod's "kubepods...podUID"), and systemd its services.
public enum ContainerName {
  /// "docker 3f2a9c1b7d0e", "podman 3f2a9c1b7d0e", "containerd ...", "cri-o ...",
  /// "kubernetes pod 7d1e...", "unit nginx.service"; nil where nothing says. Escaped: a user
  /// with a delegated cgroup subtree names its folders, controls included.
  public static func from(cgroup text: String) -> String? {
    name(in: text).map { Escaping.escape(Array($0.utf8)) }
  }

  private static func name(in text: String) -> String? {
    var unit: String?
    for line in text.split(separator: "\n") {
      // "0::/system.slice/docker-<id>.scope"; v1 lines have a controller list in between.
      guard let path = line.split(separator: ":", maxSplits: 2).last else { continue }
      for part in path.split(separator: "/").reversed() {
        if let found = runtime(String(part)) { return found }
        if unit == nil, part.hasSuffix(".service") { unit = "unit " + part }
      }
      if let pod = kubernetesPod(String(path)) { return pod }
    }
    return unit
  }

  private static let runtimes: [(prefix: String, name: String)] = [
    ("docker-", "docker"), ("libpod-conmon-", "podman"), ("libpod-", "podman"),
    ("cri-containerd-", "containerd"), ("crio-conmon-", "cri-o"), ("crio-", "cri-o"),
  ]

  /// A runtime's "NAME-<64 hex>[.scope]", or a bare 64-hex directory (cgroupfs drivers).
  private static func runtime(_ part: String) -> String? {
    var id = part.hasSuffix(".scope") ? String(part.dropLast(6)) : part
    var name = "container"
    for (prefix, runtime) in runtimes where id.hasPrefix(prefix) {
      id.removeFirst(prefix.count)
      name = runtime
      break
    }
    guard id.count == 64, id.allSatisfy(\.isHexDigit) else { return nil }
    return "\(name) \(id.prefix(12))"
  }

  /// "kubepods-burstable-pod<uid>.slice" or "/kubepods/burstable/pod<uid>/...".
  private static func kubernetesPod(_ path: String) -> String? {
    guard path.contains("kubepods") else { return nil }
    for part in path.split(separator: "/") {
      let slice = String(part.hasSuffix(".slice") ? part.dropLast(6) : part)
      // The last "pod" in the name starts the pod's uid ("_" for "-" under systemd).
      guard let marker = slice.ranges(of: "pod").last else { continue }
      let uid = slice[marker.upperBound...].replacing("_", with: "-")
      if uid.count >= 32 { return "kubernetes pod \(uid)" }
    }
    return nil
  }
}
