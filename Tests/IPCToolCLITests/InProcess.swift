import Foundation
import IPCKit

@testable import IPCToolCLI

/// Runs ipctool in this process (no kernel objects involved) and returns stdout, stderr, status.
func inProcess(_ arguments: [String], width: Int = 80) -> (out: String, err: String, status: Int32) {
  var out = ""
  var err = ""
  let console = Console(width: width, out: { out += $0 }, err: { err += $0 })
  let status = IPCTool.run(arguments, console: console)
  return (out, err, status.rawValue)
}

