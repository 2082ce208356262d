import Foundation
import IPCKit
import TestSupport

/// The short command name the kernel keeps for a process (/proc/PID/comm), as ipctool shows it.
func commandName(_ pid: pid_t) -> String? {
  guard let text = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8) else { return nil }
  return String(text.dropLast())  // the trailing newline
}

/// How ipctool names a process whose command line is printable: its arguments joined by spaces,
/// made to fit a USERS cell or a note (ProcessRefTests pin that rule down).
func shownCommand(_ pid: pid_t) -> String? {
  guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
  var bytes = data.map { $0 == 0 ? UInt8(ascii: " ") : $0 }
  while bytes.last == UInt8(ascii: " ") { bytes.removeLast() }
  return ProcessRef(pid: pid, commandBytes: bytes).shortCommand
}

/// Where a symbolic link (such as /proc/PID/fd/N) points, or nil.
func readLink(_ path: String) -> String? {
  var buffer = [CChar](repeating: 0, count: 4096)
  let count = readlink(path, &buffer, buffer.count - 1)
  guard count >= 0 else { return nil }
  return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// What a process's open descriptors point at.
func openFiles(_ pid: pid_t) -> [String] {
  let folder = "/proc/\(pid)/fd"
  let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
  return entries.compactMap { readLink(folder + "/" + $0) }
}

/// How many entries a directory holds, or nil if it cannot be read.
func entryCount(_ path: String) -> Int? {
  guard let directory = opendir(path) else { return nil }
  defer { closedir(directory) }
  var count = 0
  while let entry = readdir(directory) {
    let isDot = withUnsafeBytes(of: entry.pointee.d_name) { $0[0] == 0x2E && ($0[1] == 0 || ($0[1] == 0x2E && $0[2] == 0)) }
    if !isDot { count += 1 }
  }
  return count
}
