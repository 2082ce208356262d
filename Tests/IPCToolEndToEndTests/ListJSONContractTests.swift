import Foundation
import TestSupport
import Testing

/// `list --json` is a contract scripts read: the same objects give the same bytes, whatever the
/// engine behind it. The expected text was written by the binary before `list`'s job moved
/// into IPCKit's `Snapshot` (#25); times, pids and commands are normalised.
@Suite(
  .enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"),
  .enabled(if: installed("python3"), "python3 is not installed"))
struct ListJSONContractTests {
  static let listings = [
    ["list", "--json"], ["list", "--json", "--users"], ["list", "--json", "--sort", "size", "-r"],
    ["list", "--json", "-o", "ref,size,users"],
    ["list", "--json", "--users", "--verbose", "--prefix", "/golden"],
    ["list", "--users", "--prefix", "/golden_", "-o", "ref,size,users"],
    ["list", "--json", "--prefix", "/golden_", "--reverse"],
    ["list", "--json", "--unused", "--kind", "shm"],
    ["list", "--json", "--kind", "sysv", "--owner", "root"],
  ]

  @Test func listOutputIsByteForByteWhatItWas() throws {
    let box = try Sandbox()
    // Fixed names, sizes, modes and keys: the sandbox's namespace and /dev/shm are its own.
    let made = [
      ["posix-shm", "/golden_a", "--size", "4096", "--mode", "0640"],
      ["posix-shm", "/golden_b", "--size", "100000"], ["posix-shm", "/golden_\\xff\\tx", "--size", "1"],
      ["posix-sem", "/golden_s", "--value", "3", "--mode", "0644"], ["posix-mq", "/golden_q"],
      ["sysv-mq", "--key", "0x1234"], ["sysv-shm", "--key", "0x5678", "--size", "8192", "--mode", "0640"],
      ["sysv-sem", "--key", "0x9abc", "--count", "3"], ["sysv-shm", "--size", "4096"],
    ]
    for arguments in made {
      let run = try box.run(["create"] + arguments + (arguments.contains("--mode") ? [] : ["--mode", "0600"]))
      try #require(run.status == 0, "\(run)")
    }
    // A user of /golden_a, and a mapping of a file already unlinked.
    let holder = try inside(box, ["/bin/sh", "-c", "exec 3</dev/shm/golden_a; exec sleep 600"])
    defer { holder.stop() }
    let mapper = try inside(box, ["python3", "-c", """
      import mmap, os, sys, time
      fd = os.open("/dev/shm/golden_gone", os.O_RDWR | os.O_CREAT, 0o600)
      os.ftruncate(fd, 4096)
      m = mmap.mmap(fd, 4096)
      os.unlink("/dev/shm/golden_gone")
      print("ready", file=sys.stderr, flush=True)
      time.sleep(600)
      """])
    defer { mapper.stop() }
    try #require(waitUntil {
      mapper.outputSoFar.contains("ready") && readLink("/proc/\(holder.pid)/fd/3") != nil
    })

    var output = ""
    for arguments in Self.listings {
      let run = try box.run(arguments)
      #expect(run.status == 0, "\(run)")
      output += "== \(arguments.joined(separator: " "))\n\(run.stderr)\(run.stdout)"
    }
    let actual = normalised(output)
    if actual != Self.expected {
      // For a reader, and for updating the expected text should the contract change on purpose.
      try? actual.write(toFile: "/tmp/ipctool-list-contract.actual", atomically: true, encoding: .utf8)
    }
    #expect(actual == Self.expected, "actual output: /tmp/ipctool-list-contract.actual")
  }

  /// A program running in the sandbox's namespaces (nsenter execs it: the pid is its own).
  func inside(_ box: Sandbox, _ command: [String]) throws -> RunningProgram {
    let enter = ["--target", String(box.pid), "--ipc", "--mount", "--"]
    return try RunningProgram("/usr/bin/nsenter", enter + command)
  }

  /// Times, pids and command lines as placeholders: what differs from run to run and host to
  /// host, and is no part of what the engine decides.
  func normalised(_ text: String) -> String {
    let rules = [
      (#""(changed|last_activity)": [0-9]+"#, #""$1": T"#), (#""pid": [0-9]+"#, #""pid": P"#),
      (#""command": "(?:[^"\\]|\\.)*""#, #""command": "C""#), (#"\b[0-9]+ \((sleep|python3)[^)]*\)"#, "P ($1)"),
    ]
    return rules.reduce(text) { text, rule in
      text.replacingOccurrences(of: rule.0, with: rule.1, options: .regularExpression)
    }
  }

  static let expected = #"""
    == list --json
    {"objects": [
      {"ref": "posix-mq:/golden_q", "kind": "posix-mq", "name": "/golden_q", "name_hex": "2f676f6c64656e5f71", "id": null, "key": null, "uid": 0, "gid": 0, "owner": "root", "mode": "0600", "changed": T, "last_activity": T, "messages": 0, "max_messages": 10, "message_size": 8192, "bytes": 0},
      {"ref": "sysv-mq:0", "kind": "sysv-mq", "name": null, "name_hex": null, "id": 0, "key": 4660, "uid": 0, "gid": 0, "owner": "root", "mode": "0600", "changed": T, "last_activity": T, "messages": 0, "bytes": 0, "max_bytes": 16384, "creator_uid": 0, "creator_gid": 0},
      {"ref": "posix-shm:/golden_a", "kind": "posix-shm", "name": "/golden_a", "name_hex": "2f676f6c64656e5f61", "id": null, "key": null, "uid": 0, "gid": 0, "owner": "root", "mode": "0640", "changed": T, "last_activity": T, "size": 4096},
      {"ref": "posix-shm:/golden_b", "kind": "posix-shm", "name": "/golden_b", "name_hex": "2f676f6c64656e5f62", "id": null, "key": null, "uid": 0, "gid": 0, "owner": "root", "mode": "0600", "changed": T, "last_activity": T, "size": 100000},
      {"ref": "posix-shm:/golden_\\xff\\tx", "kind": "posix-shm", "name": null, "name_hex": "2f676f6c64656e5fff0978", "id": null, "key": null, "uid": 0, "gid": 0, "owner": "root", "mode": "0600", "changed": T, "last_activity": T, "size": 1},
      {"ref": "sysv-shm:0", "kind": "sysv-shm", "name": null, "name_hex": null, "id": 0, "key": 22136, "uid": 0, "gid": 0, "owner": "root", "mode": "0640", "changed": T, "last_activity": T, "size": 8192, "attached": 0, "creator_uid": 0, "creator_gid": 0},
      {"ref": "sysv-shm:1", "kind": "sysv-shm", "name": null, "name_hex": null, "id": 1, "key": 0, "uid": 0, "gid": 0, "owner": "root", "mode": "0600", "changed": T, "last_activity": T, "size": 4096, "attached": 0, "creator_uid": 0, "creator_gid": 0},
      {"ref": "posix-sem:/golden_s", "kind": "posix-sem", "name": "/golden_s", "name_hex": "2f676f6c64656e5f73", "id": null, "key": null, "uid": 0, "gid": 0, "owner": "root", "mode": "0644", "changed": T, "last_activity": T, "value": 3},
      {"ref": "sysv-sem:0", "kind": "sysv-sem", "name": null, "name_hex": null, "id": 0, "key": 39612, "uid": 0, "gid": 0, "owner": "root", "mode": "0600", "changed": T, "last_activity": T, "semaphores": 3, "creator_uid": 0, "creator_gid": 0}
    ]}
    == list --json --users
    ipctool: note: 1 unlinked file of /dev/shm still mapped by 1 process, not yet freed (--verbose names them)
    {"deleted_mappings": [{"pid": P, "command": "C", "path": "/dev/shm/golden_gone (deleted)"}], "objects": [
      {"ref": "posix-mq:/golden_q", "kind": "posix-mq", "name": "/golden_q", "name_hex": "2f676f6c64656e5f71", "id": null, "key": null, "uid": 0, "gid": 0, "owner": "root", "mode": "0600", "changed": T, "last_activity": T, "messages": 0, "max_messages": 10, "message_size": 8192, "bytes": 0, "users": [], "held_by": null},
      {"ref": "sysv-mq:0", "kind": "sysv-mq", "name": null, "name_hex": null, "id": 0, "key": 4660, "uid": 0, "gid": 0, "owner": "root", "mode": "0600", "changed": T, "last_activity": T, "messages": 0, "bytes": 0, "max_bytes": 16384, "users": null, "held_by": null, "creator_uid": 0, "creator_gid": 0},
      {"ref": "posix-shm:/golden_a", "kind": "posix-shm", "name": "/golden_a", "name_hex": "2f676f6c64656e5f61", "id": null, "key": null, "uid": 0, "gid": 0, "owner": "root", "mode": "0640", "changed": T, "last_activity": T, "size": 4096, "users": [{"pid": P, "command": "C"}], "held_by": null},
      {"ref": "posix-shm:/golden_b", "kind": "posix-shm", "name": "/golden_b", "name_hex": "2f676f6c64656e5f62", "id": null, "key": null, "uid": 0, "gid": 0, "owner": "root", "mode": "0600", "changed": T, "last_activity": T, "size": 100000, "users": [], "held_by": null},
      {"ref": "posix-shm:/golden_\\xff\\tx", "kind": "posix-shm", "name": null, "name_hex": "2f676f6c64656e5fff0978", "id": null, "key": null, "uid": 0, "gid": 0, "owner": "root", "mode": "0600", "changed": T, "last_activity": T, "size": 1, "users": [], "held_by": null},
      {"ref": "sysv-shm:0", "kind": "sysv-shm", "name": null, "name_hex": null, "id": 0, "key": 22136, "uid": 0, "gid": 0, "owner": "root", "mode": "0640", "changed": T, "last_activity": T, "size": 8192, "attached": 0, "users": [], "held_by": null, "creator_uid": 0, "creator_gid": 0},
      {"ref": "sysv-shm:1", "kind": "sysv-shm", "name": null, "name_hex": null, "id": 1, "key": 0, "uid": 0, "gid": 0, "owner": "root", "mode": "0600", "changed": T, "last_activity": T, "size": 4096, "attached": 0, "users": [], "held_by": null, "creator_uid": 0, "creator_gid": 0},
      {"ref": "posix-sem:/golden_s", "kind": "posix-sem", "name": "/golden_s", "name_hex": "2f676f6c64656e5f73", "id": null, "key": null, "uid": 0, "gid": 0, "owner": "root", "mode": "0644", "changed": T, "last_activity": T, "value": 3, "users": [], "held_by": null},
      {"ref": "sysv-sem:0", "kind": "sysv-sem", "name": null, "name_hex": null, "id": 0, "key": 39612, "uid": 0, "gid": 0, "owner": "root", "mode": "0600", "changed": T, "last_activity": T, "semaphores": 3, "users": null, "held_by": null, "creator_uid": 0, "creator_gid": 0}
    ]}
    == list --json --sort size -r
    {"objects": [
      {"ref": "posix-shm:/golden_b", "kind": "posix-shm", "name": "/golden_b", "name_hex": "2f676f6c64656e5f62", "id": null, "key": null, "uid": 0, "gid": 0, "owner": "root", "mode": "0600", "changed": T, "last_activity": T, "size": 100000},
      {"ref": "sysv-shm:0", "kind": "sysv-shm", "name": null, "name_hex": null, "id": 0, "key": 22136, "uid": 0, "gid": 0, "owner": "root", "mode": "0640", "changed": T, "last_activity": T, "size": 8192, "attached": 0, "creator_uid": 0, "creator_gid": 0},
      {"ref": "sysv-shm:1", "kind": "sysv-shm", "name": null, "name_hex": null, "id": 1, "key": 0, "uid": 0, "gid": 0, "owner": "root", "mode": "0600", "changed": T, "last_activity": T, "size": 4096, "attached": 0, "creator_uid": 0, "creator_gid": 0},
      {"ref": "posix-shm:/golden_a", "kind": "posix-shm", "name": "/golden_a", "name_hex": "2f676f6c64656e5f61", "id": null, "key": null, "uid": 0, "gid": 0, "owner": "root", "mode": "0640", "changed": T, "last_activity": T, "size": 4096},
      {"ref": "posix-shm:/golden_\\xff\\tx", "kind": "posix-shm", "name": null, "name_hex": "2f676f6c64656e5fff0978", "id": null, "key": null, "uid": 0, "gid": 0, "owner": "root", "mode": "0600", "changed": T, "last_activity": T, "size": 1},
      {"ref": "sysv-mq:0", "kind": "sysv-mq", "name": null, "name_hex": null, "id": 0, "key": 4660, "uid": 0, "gid": 0, "owner": "root", "mode": "0600", "changed": T, "last_activity": T, "messages": 0, "bytes": 0, "max_bytes": 16384, "creator_uid": 0, "creator_gid": 0},
      {"ref": "posix-mq:/golden_q", "kind": "posix-mq", "name": "/golden_q", "name_hex": "2f676f6c64656e5f71", "id": null, "key": null, "uid": 0, "gid": 0, "owner": "root", "mode": "0600", "changed": T, "last_activity": T, "messages": 0, "max_messages": 10, "message_size": 8192, "bytes": 0},
      {"ref": "sysv-sem:0", "kind": "sysv-sem", "name": null, "name_hex": null, "id": 0, "key": 39612, "uid": 0, "gid": 0, "owner": "root", "mode": "0600", "changed": T, "last_activity": T, "semaphores": 3, "creator_uid": 0, "creator_gid": 0},
      {"ref": "posix-sem:/golden_s", "kind": "posix-sem", "name": "/golden_s", "name_hex": "2f676f6c64656e5f73", "id": null, "key": null, "uid": 0, "gid": 0, "owner": "root", "mode": "0644", "changed": T, "last_activity": T, "value": 3}
    ]}
    == list --json -o ref,size,users
    ipctool: note: 1 unlinked file of /dev/shm still mapped by 1 process, not yet freed (--verbose names them)
    {"deleted_mappings": [{"pid": P, "command": "C", "path": "/dev/shm/golden_gone (deleted)"}], "objects": [
      {"ref": "posix-mq:/golden_q", "bytes": 0, "users": [], "held_by": null},
      {"ref": "sysv-mq:0", "bytes": 0, "users": null, "held_by": null},
      {"ref": "posix-shm:/golden_a", "size": 4096, "users": [{"pid": P, "command": "C"}], "held_by": null},
      {"ref": "posix-shm:/golden_b", "size": 100000, "users": [], "held_by": null},
      {"ref": "posix-shm:/golden_\\xff\\tx", "size": 1, "users": [], "held_by": null},
      {"ref": "sysv-shm:0", "size": 8192, "users": [], "held_by": null},
      {"ref": "sysv-shm:1", "size": 4096, "users": [], "held_by": null},
      {"ref": "posix-sem:/golden_s", "users": [], "held_by": null},
      {"ref": "sysv-sem:0", "users": null, "held_by": null}
    ]}
    == list --json --users --verbose --prefix /golden
    ipctool: note: P (python3) still maps /dev/shm/golden_gone (deleted): unlinked, not yet freed
    {"deleted_mappings": [{"pid": P, "command": "C", "path": "/dev/shm/golden_gone (deleted)"}], "objects": [
      {"ref": "posix-mq:/golden_q", "kind": "posix-mq", "name": "/golden_q", "name_hex": "2f676f6c64656e5f71", "id": null, "key": null, "uid": 0, "gid": 0, "owner": "root", "mode": "0600", "changed": T, "last_activity": T, "messages": 0, "max_messages": 10, "message_size": 8192, "bytes": 0, "users": [], "held_by": null},
      {"ref": "posix-shm:/golden_a", "kind": "posix-shm", "name": "/golden_a", "name_hex": "2f676f6c64656e5f61", "id": null, "key": null, "uid": 0, "gid": 0, "owner": "root", "mode": "0640", "changed": T, "last_activity": T, "size": 4096, "users": [{"pid": P, "command": "C"}], "held_by": null},
      {"ref": "posix-shm:/golden_b", "kind": "posix-shm", "name": "/golden_b", "name_hex": "2f676f6c64656e5f62", "id": null, "key": null, "uid": 0, "gid": 0, "owner": "root", "mode": "0600", "changed": T, "last_activity": T, "size": 100000, "users": [], "held_by": null},
      {"ref": "posix-shm:/golden_\\xff\\tx", "kind": "posix-shm", "name": null, "name_hex": "2f676f6c64656e5fff0978", "id": null, "key": null, "uid": 0, "gid": 0, "owner": "root", "mode": "0600", "changed": T, "last_activity": T, "size": 1, "users": [], "held_by": null},
      {"ref": "posix-sem:/golden_s", "kind": "posix-sem", "name": "/golden_s", "name_hex": "2f676f6c64656e5f73", "id": null, "key": null, "uid": 0, "gid": 0, "owner": "root", "mode": "0644", "changed": T, "last_activity": T, "value": 3, "users": [], "held_by": null}
    ]}
    == list --users --prefix /golden_ -o ref,size,users
    ipctool: note: 1 unlinked file of /dev/shm still mapped by 1 process, not yet freed (--verbose names them)
    REF                        SIZE  USERS
    posix-mq:/golden_q            0  -
    posix-shm:/golden_a        4.0K  P (sleep)
    posix-shm:/golden_b         98K  -
    posix-shm:/golden_\xff\tx     1  -
    posix-sem:/golden_s           -  -
    == list --json --prefix /golden_ --reverse
    {"objects": [
      {"ref": "posix-sem:/golden_s", "kind": "posix-sem", "name": "/golden_s", "name_hex": "2f676f6c64656e5f73", "id": null, "key": null, "uid": 0, "gid": 0, "owner": "root", "mode": "0644", "changed": T, "last_activity": T, "value": 3},
      {"ref": "posix-shm:/golden_\\xff\\tx", "kind": "posix-shm", "name": null, "name_hex": "2f676f6c64656e5fff0978", "id": null, "key": null, "uid": 0, "gid": 0, "owner": "root", "mode": "0600", "changed": T, "last_activity": T, "size": 1},
      {"ref": "posix-shm:/golden_b", "kind": "posix-shm", "name": "/golden_b", "name_hex": "2f676f6c64656e5f62", "id": null, "key": null, "uid": 0, "gid": 0, "owner": "root", "mode": "0600", "changed": T, "last_activity": T, "size": 100000},
      {"ref": "posix-shm:/golden_a", "kind": "posix-shm", "name": "/golden_a", "name_hex": "2f676f6c64656e5f61", "id": null, "key": null, "uid": 0, "gid": 0, "owner": "root", "mode": "0640", "changed": T, "last_activity": T, "size": 4096},
      {"ref": "posix-mq:/golden_q", "kind": "posix-mq", "name": "/golden_q", "name_hex": "2f676f6c64656e5f71", "id": null, "key": null, "uid": 0, "gid": 0, "owner": "root", "mode": "0600", "changed": T, "last_activity": T, "messages": 0, "max_messages": 10, "message_size": 8192, "bytes": 0}
    ]}
    == list --json --unused --kind shm
    {"objects": [
      {"ref": "posix-shm:/golden_b", "kind": "posix-shm", "name": "/golden_b", "name_hex": "2f676f6c64656e5f62", "id": null, "key": null, "uid": 0, "gid": 0, "owner": "root", "mode": "0600", "changed": T, "last_activity": T, "size": 100000},
      {"ref": "posix-shm:/golden_\\xff\\tx", "kind": "posix-shm", "name": null, "name_hex": "2f676f6c64656e5fff0978", "id": null, "key": null, "uid": 0, "gid": 0, "owner": "root", "mode": "0600", "changed": T, "last_activity": T, "size": 1},
      {"ref": "sysv-shm:0", "kind": "sysv-shm", "name": null, "name_hex": null, "id": 0, "key": 22136, "uid": 0, "gid": 0, "owner": "root", "mode": "0640", "changed": T, "last_activity": T, "size": 8192, "attached": 0, "creator_uid": 0, "creator_gid": 0},
      {"ref": "sysv-shm:1", "kind": "sysv-shm", "name": null, "name_hex": null, "id": 1, "key": 0, "uid": 0, "gid": 0, "owner": "root", "mode": "0600", "changed": T, "last_activity": T, "size": 4096, "attached": 0, "creator_uid": 0, "creator_gid": 0}
    ]}
    == list --json --kind sysv --owner root
    {"objects": [
      {"ref": "sysv-mq:0", "kind": "sysv-mq", "name": null, "name_hex": null, "id": 0, "key": 4660, "uid": 0, "gid": 0, "owner": "root", "mode": "0600", "changed": T, "last_activity": T, "messages": 0, "bytes": 0, "max_bytes": 16384, "creator_uid": 0, "creator_gid": 0},
      {"ref": "sysv-shm:0", "kind": "sysv-shm", "name": null, "name_hex": null, "id": 0, "key": 22136, "uid": 0, "gid": 0, "owner": "root", "mode": "0640", "changed": T, "last_activity": T, "size": 8192, "attached": 0, "creator_uid": 0, "creator_gid": 0},
      {"ref": "sysv-shm:1", "kind": "sysv-shm", "name": null, "name_hex": null, "id": 1, "key": 0, "uid": 0, "gid": 0, "owner": "root", "mode": "0600", "changed": T, "last_activity": T, "size": 4096, "attached": 0, "creator_uid": 0, "creator_gid": 0},
      {"ref": "sysv-sem:0", "kind": "sysv-sem", "name": null, "name_hex": null, "id": 0, "key": 39612, "uid": 0, "gid": 0, "owner": "root", "mode": "0600", "changed": T, "last_activity": T, "semaphores": 3, "creator_uid": 0, "creator_gid": 0}
    ]}
    
    """#
}
