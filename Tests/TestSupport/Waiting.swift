import Foundation

/// Checks `condition` every `interval` seconds until it holds or `timeout` seconds pass; returns
/// whether it held.
///
/// Tests wait for the state they need (a process has opened a file, an object has appeared)
/// rather than sleeping a fixed time, which is too short on a loaded machine and wasted on an idle
/// one.
@discardableResult
public func waitUntil(
  timeout: TimeInterval = 20, every interval: TimeInterval = 0.002, _ condition: () -> Bool
) -> Bool {
  let deadline = Date().addingTimeInterval(timeout)
  while !condition() {
    guard Date() < deadline else { return false }
    usleep(useconds_t(interval * 1_000_000))
  }
  return true
}
