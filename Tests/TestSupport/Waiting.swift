import Foundation

/// Checks `condition` every `interval` seconds until it holds or `timeout` seconds pass; returns
/// whether it held.
///
/// Tests wait for the state they need (a process has opened a file, an object has appeared)
/// rather than sleeping a fixed time, which is too short on a loaded machine and wasted on an idle
/// one.
///
/// The timeout only bounds a failure, so it is long: CI runs every suite at once on two loaded
/// cores beside PostgreSQL, Podman and compilers, where a step that takes milliseconds alone can
/// take many seconds. It is measured on the monotonic clock: a wall clock set forward (NTP) must
/// not end a wait early.
@discardableResult
public func waitUntil(
  timeout: TimeInterval = 60, every interval: TimeInterval = 0.002, _ condition: () -> Bool
) -> Bool {
  let deadline = ProcessInfo.processInfo.systemUptime + timeout
  while !condition() {
    guard ProcessInfo.processInfo.systemUptime < deadline else { return false }
    usleep(useconds_t(interval * 1_000_000))
  }
  return true
}
