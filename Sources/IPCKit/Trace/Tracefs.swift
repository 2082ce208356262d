import Glibc

/// Where tracefs is: the mounted one, or one mounted now in a mount namespace of ipctool's own.
///
/// tracefs is one file system, whichever mount shows it: an instance made through a private
/// mount is the same instance everyone else sees (and a later run finds and removes when this
/// one was killed), while the private mount itself goes away with the process.
public struct Tracefs: Sendable {
  /// The folder tracefs is mounted on ("/sys/kernel/tracing").
  public let root: String
  /// Whether ipctool mounted it (in its own mount namespace) because no one had.
  public let mountedPrivately: Bool

  /// Finds tracefs at its usual places, else mounts it at `/sys/kernel/tracing` in a private
  /// mount namespace. Must be called before the process starts threads.
  public static func locate() throws(TraceError) -> Tracefs {
    guard geteuid() == 0 else { throw .notRoot }
    for candidate in ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"]
    where DirectoryCalls.isFolder(candidate + "/instances") {
      return Tracefs(root: candidate, mountedPrivately: false)
    }
    let target = "/sys/kernel/tracing"
    do {
      try MountCalls.enterPrivateMountNamespace()
      try MountCalls.mount(type: "tracefs", at: target)
    } catch {
      throw .noTracefs(error)
    }
    guard DirectoryCalls.isFolder(target + "/instances") else {
      throw .noTracefs(SystemError(call: "mount", subject: "tracefs", code: .noSuchFileOrDirectory))
    }
    return Tracefs(root: target, mountedPrivately: true)
  }

  /// A file or folder below the root: "uprobe_events", "instances/ipctool-12".
  public func path(_ relative: String) -> String { root + "/" + relative }
}
