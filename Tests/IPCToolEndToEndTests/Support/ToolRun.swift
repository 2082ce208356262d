import Foundation
import TestSupport

/// The built `ipctool`, next to this test bundle. Only root may be able to reach it (a clone in
/// a 0700 folder): runs as other users use `ReachableTool.path`.
let toolPath: String = {
  let bundle = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
  return bundle.deletingLastPathComponent().appendingPathComponent("ipctool").path
}()
