import Foundation
import TestSupport
import Testing

/// Every object belongs to an IPC namespace, and a mount namespace may show another IPC
/// namespace's mqueue filesystem: ipctool reads only its own namespace's objects and users.
@Suite(.enabled(if: Sandbox.isRoot, "needs root for private IPC + mount namespaces"))
struct NamespaceTests {
  /// ipctool with the mounts of `mounts` and the IPC namespace of `ipc`: what
  /// `nsenter --ipc` without `--mount` gives.
  func runMixed(_ arguments: [String], mountsOf mounts: Sandbox, ipcOf ipc: Sandbox, as user: uid_t? = nil)
    throws -> ToolRun
  {
    let tool = user == nil ? toolPath : try #require(ReachableTool.path)
    let asUser = user.map { ["--setuid", String($0), "--setgid", String($0), "--wd=/"] } ?? []
    return try runProgram(
      "/usr/bin/nsenter",
      ["--target", String(mounts.pid), "--mount", "--", "/usr/bin/nsenter", "--target", String(ipc.pid), "--ipc"]
        + asUser + ["--", tool] + arguments)
  }

  func queueNames(_ run: ToolRun) throws -> [String] {
    try run.objects().compactMap { $0["name"] as? String }
  }

  @Test(.otherUsersCanRunTheTool)
  func queuesAreNeverReadThroughAnotherNamespacesMount() throws {
    let here = try Sandbox()  // its mount namespace shows its own mqueue filesystem
    let other = try Sandbox()  // the IPC namespace the command runs in
    let shared = "/ipctool-test-shared-\(getpid())"
    for (box, only) in [(here, "/only-here"), (other, "/only-other")] {
      #expect(try box.run(["create", "posix-mq", shared, "--mode", "0644"]).status == 0)
      #expect(try box.run(["create", "posix-mq", only + "-\(getpid())"]).status == 0)
    }
    // The other namespace's /shared is held open by a live process there.
    let holder = try RunningProgram(
      "/usr/bin/nsenter",
      ["--target", String(other.pid), "--ipc", "--mount", "--", "/bin/sh", "-c", "exec 3<\"$0\"; exec sleep 60",
       other.mqueueMount! + shared])
    defer { holder.stop() }
    try #require(waitUntil { readLink("/proc/\(holder.pid)/fd/3")?.hasSuffix(shared) == true })

    // Root reads a mount it makes in the namespace it runs in: the other namespace's queues.
    let listed = try runMixed(["list", "--kind", "posix-mq", "--json"], mountsOf: here, ipcOf: other)
    #expect(try queueNames(listed) == [shared, "/only-other-\(getpid())"], "\(listed)")
    let cleaned = try runMixed(["clean", "--kind", "posix-mq"], mountsOf: here, ipcOf: other)
    #expect(cleaned.lines.first == "kept     posix-mq:\(shared): in use by \(holder.pid) (sleep 60)", "\(cleaned)")
    #expect(cleaned.lines.dropFirst().first == "removed  posix-mq:/only-other-\(getpid())", "\(cleaned)")
    // Nothing of the namespace whose mount was in view was touched.
    #expect(try queueNames(here.run(["list", "--kind", "posix-mq", "--json"])) == [shared, "/only-here-\(getpid())"])

    // Another user cannot make a mount: the one in view is shown to be another namespace's.
    let refused = try runMixed(["list", "--kind", "posix-mq", "--json"], mountsOf: here, ipcOf: other, as: 65534)
    #expect(try refused.objects().isEmpty, "\(refused)")
    #expect(refused.stderr.contains("is another IPC namespace's"), "\(refused)")
    // In its own namespace the mount is proven its own, and read.
    let own = try here.run(["list", "--kind", "posix-mq", "--json"], as: 65534)
    #expect(try queueNames(own) == [shared, "/only-here-\(getpid())"], "\(own)")
    #expect(own.stderr == "", "\(own)")
  }

  /// shmid 0 of one namespace is not shmid 0 of another: a process attached there is no user
  /// of ours.
  @Test(.enabled(if: installed("python3"), "python3 is not installed"))
  func usersAreNeverAttributedAcrossNamespaces() throws {
    let here = try Sandbox()
    let other = try Sandbox()
    let mine = here.inIPCNamespace { here.plainSysVSegment(size: 4096) }
    let theirs = other.inIPCNamespace { other.plainSysVSegment(size: 4096) }
    try #require(mine == theirs, "fresh namespaces should give the same first id")
    let attacher = try other.attacher(theirs)
    defer { attacher.stop() }

    let users = try here.run(["list", "--users", "--kind", "sysv-shm", "-o", "ref,users", "--no-headings"])
    #expect(users.lines == ["sysv-shm:\(mine)  -"], "\(users)")
    // Used once and let go (so its live creator's segment counts as used, not about to be).
    _ = here.inIPCNamespace { shmdt(here.attach(mine)) }
    let clean = try here.run(["clean", "--kind", "sysv-shm"])
    #expect(clean.lines.first == "removed  sysv-shm:\(mine)", "\(clean)")
    // Theirs is untouched, and still shows its user there.
    let there = try other.run(["list", "--users", "--kind", "sysv-shm", "-o", "ref,users", "--no-headings"])
    #expect(there.lines.first?.hasPrefix("sysv-shm:\(theirs)  \(attacher.pid) (") == true, "\(there)")
  }


  /// With /proc mounted hidepid=2, another user's processes are not even listed: an object
  /// nobody visible uses is "users unknown", not unused.
  @Test(.otherUsersCanRunTheTool)
  func hiddenProcessesMakeUsersUnknown() throws {
    let box = try Sandbox()
    let name = box.name("held")
    box.segment(named: Array(name.dropFirst().utf8), owner: 65534)
    let holder = try RunningProgram(
      "/usr/bin/nsenter",
      ["--target", String(box.pid), "--ipc", "--mount", "--", "/bin/sh", "-c", "exec 3<\"$0\"; exec sleep 60",
       "/dev/shm" + name])
    defer { holder.stop() }
    try #require(waitUntil { readLink("/proc/\(holder.pid)/fd/3") == "/dev/shm" + name })
    let mounted = try box.runInside(["/bin/mount", "-t", "proc", "-o", "hidepid=2", "proc", "/proc"])
    try #require(mounted.status == 0, "\(mounted)")

    let users = try box.run(["list", "--users", "--prefix", name, "-o", "ref,users", "--no-headings"], as: 65534)
    #expect(users.lines == ["posix-shm:\(name)  ?"], "\(users)")
    let clean = try box.run(["clean", "--prefix", name], as: 65534)
    #expect(clean.lines.first == "kept     posix-shm:\(name): users unknown: /proc hides other users' processes"
      + " (hidepid) (--force removes it)", "\(clean)")
    #expect(box.shmFileNames() == [Array(name.dropFirst().utf8)])
    // Root sees every process, hidepid or not.
    #expect(try box.run(["clean", "--prefix", name]).lines.first?.hasPrefix("kept     posix-shm:\(name): in use by \(holder.pid) ") == true)
  }

  /// --target acts on the target's namespace and /dev/shm only, from anywhere: objects with the
  /// same names and ids in two namespaces are never mixed up.
  @Test(.otherUsersCanRunTheTool)
  func targetActsOnlyInTheTargetsNamespace() throws {
    let boxes = [try Sandbox(), try Sandbox()]
    let name = boxes[0].name("x")
    let key = String(format: "0x7e57%04x", getpid() & 0xffff)
    for (index, box) in boxes.enumerated() {
      #expect(try box.run(["create", "posix-shm", name, "--size", String(4096 * (index + 1))]).status == 0)
      #expect(try box.run(["create", "posix-sem", name]).status == 0)
      #expect(try box.run(["create", "posix-mq", name]).status == 0)
      for made in [["sysv-shm", "--size", "4096"], ["sysv-mq"], ["sysv-sem", "--count", "1"]] {
        #expect(try box.run(["create"] + made + ["--key", key]).status == 0)
      }
    }
    // A user of the first namespace's segment, there.
    let holder = try RunningProgram(
      "/usr/bin/nsenter",
      ["--target", String(boxes[0].pid), "--ipc", "--mount", "--", "/bin/sh", "-c", "exec 3<\"$0\"; exec sleep 60",
       "/dev/shm" + name])
    defer { holder.stop() }
    try #require(waitUntil { readLink("/proc/\(holder.pid)/fd/3") == "/dev/shm" + name })

    // From the test's own namespaces, each target shows exactly what its namespace shows itself.
    for box in boxes {
      let fromOutside = try runProgram(toolPath, ["list", "--json", "--target", String(box.pid)])
      let fromInside = try box.run(["list", "--json"])
      #expect(fromOutside.stderr == "", "\(fromOutside)")
      #expect(try fromOutside.objects().map { "\($0["ref"]!) \($0["size"] ?? "-")" }
        == fromInside.objects().map { "\($0["ref"]!) \($0["size"] ?? "-")" })
    }
    let users = try runProgram(
      toolPath, ["list", "--users", "--target", String(boxes[0].pid), "--kind", "posix-shm", "-o", "ref,users", "--no-headings"])
    #expect(users.lines == ["posix-shm:\(name)  \(holder.pid) (sleep 60)"], "\(users)")

    // clean --target takes the first namespace's unused objects, nothing of the second's.
    let clean = try runProgram(
      toolPath, ["clean", "--target", String(boxes[0].pid), "--prefix", name])
    #expect(clean.lines.last == "removed 2, kept 1 in use, failed 0", "\(clean)")
    let cleanSysV = try runProgram(
      toolPath, ["clean", "--target", String(boxes[0].pid), "--key", key, "--force"])
    #expect(cleanSysV.lines.last == "removed 3, kept 0 in use, failed 0", "\(cleanSysV)")
    #expect(try boxes[0].run(["list", "--json"]).objects().map { $0["ref"] as? String } == ["posix-shm:\(name)"])
    #expect(try boxes[1].run(["list", "--json"]).objects().count == 6)

    // create, inspect and unlink there too.
    let target = ["--target", String(boxes[1].pid)]
    #expect(try runProgram(toolPath, ["create", "posix-mq", name + "-new"] + target).status == 0)
    #expect(try runProgram(toolPath, ["inspect", "posix-mq:\(name)-new", "--json"] + target).objects().count == 1)
    #expect(try boxes[1].run(["list", "--json", "--kind", "posix-mq"]).objects().count == 2)
    #expect(try runProgram(toolPath, ["unlink", "posix-mq:\(name)-new"] + target).status == 0)
    #expect(try boxes[1].run(["list", "--json", "--kind", "posix-mq"]).objects().count == 1)

    // limits reads the target's namespace's settings.
    #expect(try boxes[1].runInside(["/bin/sh", "-c", "echo 123 > /proc/sys/kernel/msgmni"]).status == 0)
    let limits = try runProgram(toolPath, ["limits", "--json", "--target", String(boxes[1].pid)])
    let msgmni = try JSONSerialization.jsonObject(with: Data(limits.stdout.utf8)) as? [String: Any]
    let row = (msgmni?["limits"] as? [[String: Any]])?.first { $0["name"] as? String == "msgmni" }
    #expect(row?["value"] as? Int == 123, "\(limits)")

    // Not permitted, or no such process: one line, exit 1.
    let refused = try runProgram(
      "/usr/bin/setpriv",
      ["--reuid", "65534", "--regid", "65534", "--clear-groups", try #require(ReachableTool.path), "list", "--target", String(boxes[1].pid)])
    #expect(refused.status == 1 && refused.stdout.isEmpty, "\(refused)")
    #expect(refused.stderr.split(separator: "\n").count == 1 && refused.stderr.hasPrefix("ipctool: --target \(boxes[1].pid): "), "\(refused)")
    let gone = try runProgram(toolPath, ["list", "--target", "999999999"])
    #expect(gone.status == 1 && gone.stderr == "ipctool: --target 999999999: no such process\n", "\(gone)")
  }

  /// `namespaces` finds each namespace once, with what it holds and its /dev/shm's use.
  @Test func namespacesCountsEachNamespacesObjects() throws {
    let boxes = [try Sandbox(), try Sandbox()]
    #expect(try boxes[0].run(["create", "posix-shm", boxes[0].name("a"), "--size", "1M"]).status == 0)
    #expect(try boxes[0].run(["create", "sysv-mq"]).status == 0)
    #expect(try boxes[1].run(["create", "posix-sem", boxes[1].name("b")]).status == 0)
    let run = try runProgram(toolPath, ["namespaces", "--json"])
    #expect(run.status == 0, "\(run)")
    let document = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
    let namespaces = try #require(document?["namespaces"] as? [[String: Any]])
    func row(_ box: Sandbox) throws -> [String: Any] {
      let inode = try #require(namespaceInode(box.pid))
      let rows = namespaces.filter { $0["inode"] as? Int == inode }
      try #require(rows.count == 1, "\(namespaces)")
      return rows[0]
    }
    let first = try row(boxes[0])
    #expect(first["objects"] as? [String: Int] == [
      "posix-mq": 0, "sysv-mq": 1, "posix-shm": 1, "sysv-shm": 0, "posix-sem": 0, "sysv-sem": 0,
    ])
    #expect(first["shared_memory_bytes"] as? Int == 1 << 20)
    #expect(first["dev_shm_size"] as? Int == 64 << 20 && first["dev_shm_used"] as? Int == 1 << 20, "\(first)")
    #expect((first["processes"] as? Int ?? 0) >= 1)
    let second = try row(boxes[1])
    #expect((second["objects"] as? [String: Int])?["posix-sem"] == 1)
    #expect(namespaces.filter { $0["host"] as? Bool == true }.count == 1)
    let table = try runProgram(toolPath, ["ns"])
    #expect(table.lines.first?.hasPrefix("NAMESPACE   PROCS  PID") == true, "\(table)")
  }

  func namespaceInode(_ pid: pid_t) -> Int? {
    var status = stat()
    return stat("/proc/\(pid)/ns/ipc", &status) == 0 ? Int(status.st_ino) : nil
  }

  /// `list --all-namespaces`: every namespace's objects, each once, tagged with its namespace,
  /// though ids and names collide between them.
  @Test func listAllNamespacesShowsEachNamespacesObjectsOnce() throws {
    let boxes = [try Sandbox(), try Sandbox()]
    let name = boxes[0].name("both")
    for box in boxes {
      #expect(try box.run(["create", "posix-shm", name, "--size", "4096"]).status == 0)
      #expect(try box.run(["create", "sysv-mq"]).status == 0)
    }
    #expect(try boxes[1].run(["create", "sysv-sem", "--count", "1"]).status == 0)
    let run = try runProgram(toolPath, ["list", "--all-namespaces", "--json"])
    #expect(run.status == 0, "\(run)")
    let objects = try run.objects()
    for box in boxes {
      let inode = try #require(namespaceInode(box.pid))
      let listed = objects.filter { $0["namespace"] as? Int == inode }.compactMap { $0["ref"] as? String }
      let own = try box.run(["list", "--json"]).objects().compactMap { $0["ref"] as? String }
      #expect(listed == own, "\(inode): \(listed) vs \(own)")
    }
    let table = try runProgram(toolPath, ["list", "-A", "-o", "namespace,ref", "--no-headings"])
    let inode = try #require(namespaceInode(boxes[1].pid))
    #expect(table.lines.filter { $0.hasPrefix("\(inode) ") } == [
      "\(inode)  sysv-mq:0", "\(inode)  posix-shm:\(name)", "\(inode)  sysv-sem:0",
    ], "\(table)")
    #expect(try runProgram(toolPath, ["list", "-A", "--target", String(getpid())]).status == 2)
  }
}
