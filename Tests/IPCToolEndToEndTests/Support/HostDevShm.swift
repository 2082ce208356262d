import Foundation
import Testing

/// The entries Podman may leave in the host's /dev/shm (its SHM lock file, libpod_lock), by
/// name: a Podman test takes them before and expects none new after, since Podman must run
/// where /dev/shm is a sandbox's. Only names starting "libpod" are looked at, never touched.
enum HostDevShm {
  static func libpodNames() -> Set<String> {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: "/dev/shm")) ?? []
    return Set(names.filter { $0.hasPrefix("libpod") })
  }

  /// Records an issue if the host's /dev/shm has a libpod entry `before` did not.
  static func expectNoNewLibpodEntry(since before: Set<String>, _ who: String) {
    let new = libpodNames().subtracting(before)
    #expect(new.isEmpty, "\(who) left \(new.sorted()) in the host's /dev/shm")
  }
}
