import Foundation
import TestSupport
import Testing

/// Every failure ends with one line naming the problem, a documented status, and no change.
@Suite(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"))
struct ErrorTests {
  /// Runs a command expected to fail and returns its one stderr line.
  func failure(_ box: Sandbox, _ arguments: [String], status: Int32, as user: uid_t? = nil)
    throws -> String
  {
    let run = try box.run(arguments, as: user)
    #expect(run.status == status, "\(arguments): \(run)")
    #expect(run.stdout == "")
    #expect(run.stderr.split(separator: "\n").count == 1, "\(run)")
    return run.stderr
  }

  @Test func usageErrorsExit2() throws {
    let box = try Sandbox()
    let cases: [([String], String)] = [
      (["create", "posix-shm", "noslash", "--size", "1"], "a POSIX name starts with '/'"),
      (["create", "posix-shm", "/a/b", "--size", "1"], "only the leading '/' is allowed"),
      (["create", "posix-shm", "/", "--size", "1"], "the name is empty"),
      (["create", "posix-sem", "/" + String(repeating: "x", count: 252)], "longer than 251 bytes"),
      (["create", "posix-shm", "/" + String(repeating: "x", count: 256), "--size", "1"], "longer than 255"),
      (["create", "posix-shmm", "/x"], "unknown kind 'posix-shmm'; did you mean 'posix-shm'?"),
      (["create", "sysv-shm", "--size", "1", "--key", "0xZZ"], "invalid value '0xZZ' for '--key'"),
      (["create", "sysv-shm", "--size", "1", "--key", "0"], "invalid value '0' for '--key'"),
      (["create", "posix-shm", "/x", "--size", "-5"], "invalid value '-5' for '--size'"),
      (["create", "posix-shm", "/x"], "posix-shm needs --size"),
      (["create", "posix-mq", "/x", "--size", "1"], "'--size' does not apply to posix-mq"),
      (["create", "sysv-mq", "/x"], "sysv-mq objects have no name"),
      (["create", "posix-shm", "/x", "--size", "1", "--mode", "999"], "invalid value '999' for '--mode'"),
      (["inspect", "sysv-shm:12x"], "invalid id in 'sysv-shm:12x'"),
      (["inspect", "sysv-shm:0x0"], "key 0 is IPC_PRIVATE"),
      (["inspect", "nokind:/x"], "unknown kind 'nokind'"),
      (["inspect", "frames"], "invalid reference 'frames': expected /name, KIND:/name, KIND:ID or KIND:0xKEY; did you mean '/frames'?"),
      (["--verison"], "unknown option '--verison'; did you mean '--version'?"),
      (["inspect"], "missing argument <ref>"),
      (["list", "--kind", "shmm"], "unknown kind 'shmm' for '--kind'; did you mean 'shm'?"),
      (["list", "--nmae"], "unknown option '--nmae'"),
      (["list", "--jsn"], "did you mean '--json'?"),
      (["list", "--prefix"], "option '--prefix' needs a value"),
      (["list", "--owner", "no-such-user-here"], "invalid value 'no-such-user-here' for '--owner'"),
      (["list", "-o", "ref,bogus"], "unknown column 'bogus' for '--output'; columns: namespace"),
      (["lst"], "unknown subcommand 'lst'; did you mean 'list'?"),
    ]
    for (arguments, expected) in cases {
      let line = try failure(box, arguments, status: 2)
      #expect(line.hasPrefix("ipctool: ") && line.contains(expected), "\(arguments): \(line)")
    }
    #expect(try box.run(["list", "--json"]).objects().isEmpty)  // nothing was made
    #expect(try box.run(["-V"]).stdout.hasPrefix("ipctool "))  // as util-linux spells --version
  }

  /// A bare key or id is most often a System V object's: the guess names those that exist.
  @Test func aBareKeyOrIdSuggestsTheSystemVObjectsThatHaveIt() throws {
    let box = try Sandbox()
    for kind in ["sysv-shm", "sysv-sem"] {
      let made = try box.run(["create", kind, "--key", "0x1e240"] + (kind == "sysv-shm" ? ["--size", "1"] : ["--count", "3"]))
      try #require(made.status == 0, "\(made)")
    }
    let key = try failure(box, ["inspect", "0x1e240"], status: 2)
    #expect(key.contains("did you mean 'sysv-shm:0x0001e240' or 'sysv-sem:0x0001e240'?"), "\(key)")
    let id = try failure(box, ["unlink", "0"], status: 2)
    #expect(id.contains("did you mean 'sysv-shm:0' or 'sysv-sem:0'?"), "\(id)")
    let none = try failure(box, ["inspect", "0x99"], status: 2)
    #expect(none.contains("did you mean '/0x99'?"), "\(none)")
    #expect(try box.run(["list", "--json"]).objects().count == 2)
  }

  @Test func failuresExit1AndNameTheObject() throws {
    let box = try Sandbox()
    let name = box.name("x")
    #expect(try failure(box, ["unlink", name], status: 1) == "ipctool: unlink \(name): no such object\n")
    #expect(try failure(box, ["inspect", "sysv-mq:5"], status: 1) == "ipctool: inspect sysv-mq:5: no such object\n")
    #expect(try failure(box, ["inspect", "sysv-sem:0x1"], status: 1).contains("no such object"))
    _ = try box.run(["create", "posix-shm", name, "--size", "1"])
    #expect(try failure(box, ["create", "posix-shm", name, "--size", "2"], status: 1)
      == "ipctool: create posix-shm:\(name): File exists\n")
    let made = try box.run(["create", "sysv-mq", "--key", "0x10"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    // In reference syntax, with the object that has the key.
    #expect(try failure(box, ["create", "sysv-mq", "--key", "0x10"], status: 1)
      == "ipctool: create sysv-mq:0x00000010: File exists (the key is \(made)'s)\n", "\(made)")
    // Limits named as `limits` shows them: no "?" for shmmin, no 2^64 for shmmax.
    #expect(try failure(box, ["create", "sysv-shm", "--size", "0"], status: 1)
      == "ipctool: create sysv-shm: Invalid argument (size outside 1 (shmmin) .. kernel.shmmax = unlimited; see 'ipctool limits')\n")
    // The existing segment was not resized by the failed create.
    #expect(try box.run(["list", "--json"]).objects().first { $0["name"] as? String == name }?["size"] as? Int == 1)
  }

  @Test func unlinkGoesOnPastFailures() throws {
    let box = try Sandbox()
    let a = box.name("a"), b = box.name("b")
    _ = try box.run(["create", "posix-shm", a, "--size", "1"])
    _ = try box.run(["create", "posix-shm", b, "--size", "1"])
    let run = try box.run(["unlink", a, box.name("missing"), b])
    #expect(run.status == 1)
    #expect(run.stderr == "ipctool: unlink \(box.name("missing")): no such object\n")
    #expect(try box.run(["list", "--json"]).objects().isEmpty)
  }

  @Test(.otherUsersCanRunTheTool) func permissionDeniedLeavesTheObjectAlone() throws {
    let box = try Sandbox()
    let name = box.name("root-only")
    _ = try box.run(["create", "posix-shm", name, "--size", "1"])
    _ = try box.run(["create", "sysv-sem", "--count", "1"])
    #expect(try failure(box, ["unlink", "posix-shm:\(name)"], status: 1, as: 65534)
      == "ipctool: unlink posix-shm:\(name): Permission denied\n")
    #expect(try failure(box, ["unlink", "sysv-sem:0"], status: 1, as: 65534)
      == "ipctool: unlink sysv-sem:0: Permission denied\n")
    // Listing as that user still shows both, with what it may see.
    let seen = try box.run(["list", "--json"], as: 65534).objects()
    #expect(seen.count == 2)
  }

  @Test(.otherUsersCanRunTheTool) func kernelLimitsAreNamed() throws {
    let box = try Sandbox()
    let tooLong = try failure(box, ["create", "posix-mq", box.name("q"), "--max-messages", "100000"], status: 1)
    #expect(tooLong.contains("Invalid argument (limits above fs.mqueue.msg_max = 10"), "\(tooLong)")
    let tooMany = try failure(box, ["create", "sysv-sem", "--count", "40000"], status: 1)
    #expect(tooMany.contains("count above SEMMSL: kernel.sem = 32000"), "\(tooMany)")
    _ = try box.runInside(["/bin/sh", "-c", "echo 1 > /proc/sys/kernel/msgmni; echo 1 > /proc/sys/fs/mqueue/queues_max"])
    _ = try box.run(["create", "sysv-mq"])
    let noSpace = try failure(box, ["create", "sysv-mq"], status: 1)
    #expect(noSpace == "ipctool: create sysv-mq: No space left on device (too many queues: kernel.msgmni = 1; see 'ipctool limits')\n", "\(noSpace)")
    _ = try box.run(["create", "posix-mq", box.name("q1"), "--mode", "0666"], as: 65534)
    let queues = try failure(box, ["create", "posix-mq", box.name("q2")], status: 1, as: 65534)
    #expect(queues.contains("too many queues: fs.mqueue.queues_max = 1"), "\(queues)")
    // A segment larger than the whole (empty) /dev/shm is told apart from a full /dev/shm;
    // both fail at create time and leave nothing.
    let big = try failure(box, ["create", "posix-shm", box.name("big"), "--size", "100G"], status: 1)
    #expect(big.contains("No space left on device (larger than /dev/shm (64M in all))"), "\(big)")
    #expect(try box.run(["list", "--kind", "posix-shm", "--json"]).objects().isEmpty)
    let filler = try box.run(["create", "posix-shm", box.name("filler"), "--size", "60M"])
    try #require(filler.status == 0, "\(filler)")
    let full = try failure(box, ["create", "posix-shm", box.name("more"), "--size", "10M"], status: 1)
    #expect(full.contains("No space left on device (/dev/shm is full ("), "\(full)")
    #expect(try box.run(["list", "--kind", "posix-shm", "--json"]).objects().count == 1)
  }
}
