import Foundation
import TestSupport
import Testing

extension Sandbox {
  /// A process of nobody's inside the sandbox, in user, IPC and mount namespaces of its own
  /// (`unshare -Urim`), that runs `script` there and then sleeps; its pid once it sleeps.
  func usersTarget(_ script: String) throws -> RunningProgram {
    let target = try RunningProgram(
      "/usr/bin/nsenter",
      ["--target", String(pid), "--ipc", "--mount", "--setuid", "65534", "--setgid", "65534",
       "--wd=/", "--", "/usr/bin/unshare", "-Urim", "/bin/sh", "-c", script + " && exec sleep 120"])
    try #require(waitUntil { comm(target.pid) == "sleep" }, "the target did not start: \(target.outputSoFar)")
    return target
  }
}

/// A process's command name, as /proc/PID/comm gives it; nil once it is gone.
func comm(_ pid: pid_t) -> String? {
  (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmingCharacters(in: .newlines)
}
