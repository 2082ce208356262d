import Foundation
import Testing
import TestSupport

/// A copy of the built ipctool that other users can run, for tests that drop privileges.
///
/// The build folder may sit where only root can enter (a clone in /root or in a `mktemp -d`
/// folder), so runs as another user use a copy in a folder of the test's own under /tmp, made once
/// and removed when the test process exits.
enum ReachableTool {
  static let path: String? = {
    guard let folder = try? TemporaryDirectory(shared: true) else { return nil }
    let copy = folder.file("ipctool")
    guard (try? folder.copy(toolPath, as: "ipctool")) != nil else { return nil }
    holder = folder
    atexit { ReachableTool.holder = nil }
    return copy
  }()

  nonisolated(unsafe) private static var holder: TemporaryDirectory?

  /// Why another user cannot run the tool, or nil when one can: the copy exists and its runtime
  /// libraries (found through the toolchain's folders) are readable to `nobody`.
  static let unavailableReason: String? = {
    guard getuid() == 0 else { return "needs root to run commands as another user" }
    guard let path else { return "could not copy ipctool to a folder other users can reach" }
    let check = try? runProgram(
      "/usr/bin/setpriv",
      ["--reuid=65534", "--regid=65534", "--clear-groups", path, "--version"])
    guard let check, check.status == 0 else {
      return "user 65534 cannot run a copy of ipctool (is the Swift runtime in a private folder?): "
        + (check?.stderr ?? "setpriv did not run")
    }
    return nil
  }()
}

extension Trait where Self == ConditionTrait {
  /// For tests that run ipctool as an unprivileged user: skipped, with the reason, where that
  /// cannot work on this machine.
  static var otherUsersCanRunTheTool: Self {
    .enabled(if: ReachableTool.unavailableReason == nil, Comment(rawValue: ReachableTool.unavailableReason ?? ""))
  }
}
