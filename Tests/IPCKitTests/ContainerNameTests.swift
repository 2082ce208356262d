import Testing

@testable import IPCKit

/// Which container a process is in, from the cgroup paths each runtime writes.
@Suite struct ContainerNameTests {
  static let id = String(repeating: "3f2a9c1b", count: 8)

  @Test(arguments: [
    ("0::/system.slice/docker-\(id).scope", "docker 3f2a9c1b3f2a"),
    ("0::/machine.slice/libpod-\(id).scope/container", "podman 3f2a9c1b3f2a"),
    ("12:memory:/libpod_parent/libpod-\(id)", "podman 3f2a9c1b3f2a"),
    ("0::/system.slice/cri-containerd-\(id).scope", "containerd 3f2a9c1b3f2a"),
    ("0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1c2d3e4f_5a6b_7c8d_9e0f_a1b2c3d4e5f6.slice/crio-\(id).scope",
     "cri-o 3f2a9c1b3f2a"),
    ("0::/kubepods/burstable/pod1c2d3e4f-5a6b-7c8d-9e0f-a1b2c3d4e5f6", "kubernetes pod 1c2d3e4f-5a6b-7c8d-9e0f-a1b2c3d4e5f6"),
    ("0::/docker/\(id)", "container 3f2a9c1b3f2a"),
    ("0::/system.slice/postgresql@15-main.service", "unit postgresql@15-main.service"),
  ])
  func runtimesAreRecognised(cgroup: String, expected: String) {
    #expect(ContainerName.from(cgroup: cgroup) == expected)
  }

  /// A delegated cgroup's folder is named by its user: it reaches the terminal escaped.
  @Test func namesAreEscaped() {
    #expect(ContainerName.from(cgroup: "0::/user.slice/x\u{1B}[2J.service") == "unit x\\e[2J.service")
  }

  @Test func aPlainSessionIsNoContainer() {
    #expect(ContainerName.from(cgroup: "0::/user.slice/user-1000.slice/session-3.scope") == nil)
    #expect(ContainerName.from(cgroup: "0::/") == nil)
  }
}
