import Foundation
import TestSupport
import Testing

/// `ipctool clean`: exactly what the selectors name, never what is in use unless forced.
@Suite(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"))
struct CleanTests {
  /// What a crashed pi program leaves, one busy object, and objects clean must not touch.
  func leftovers(_ box: Sandbox) throws -> (busy: RunningProgram, mapped: UnsafeMutableRawPointer) {
    for arguments in [
      ["create", "posix-sem", "/pi_sem_lock", "--value", "0"],
      ["create", "posix-shm", "/pi_rw", "--size", "64K"],
      ["create", "posix-mq", "/pi_q"],
      ["create", "posix-shm", "/pi_busy", "--size", "4K"],
      ["create", "posix-shm", "/pi_mapped", "--size", "4K"],
      ["create", "posix-shm", "/other", "--size", "4K"],
      ["create", "sysv-shm", "--size", "4K"],
    ] {
      let run = try box.run(arguments)
      try #require(run.status == 0, "\(run)")
    }
    #expect(try box.run(["create", "sysv-mq"], as: 65534).status == 0)  // another owner's
    // One process holds /pi_busy open; this test process maps /pi_mapped.
    let busy = try RunningProgram(
      "/usr/bin/nsenter",
      ["--target", String(box.pid), "--ipc", "--mount", "--", "/bin/sh", "-c", "exec 3</dev/shm/pi_busy; exec sleep 60"])
    let holding = waitUntil {
      commandName(busy.pid) == "sleep" && readLink("/proc/\(busy.pid)/fd/3") == "/dev/shm/pi_busy"
    }
    try #require(holding, "the holder never opened /pi_busy")
    let fd = open(box.shmDirectory + "/pi_mapped", O_RDWR)
    let mapped = mmap(nil, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)!
    close(fd)
    return (busy, mapped)
  }

  func refs(_ box: Sandbox) throws -> [String] {
    try box.run(["list", "--json"]).objects().map { $0["ref"] as! String }
  }

  @Test(.otherUsersCanRunTheTool) func cleansExactlyTheLeftoversAndKeepsWhatIsInUse() throws {
    let box = try Sandbox()
    let (busy, mapped) = try leftovers(box)
    defer {
      munmap(mapped, 4096)
      busy.stop()
    }
    let before = try refs(box)

    let dry = try box.run(["clean", "--prefix", "/pi_", "--dry-run"])
    #expect(dry.status == 0, "\(dry)")
    #expect(try refs(box) == before, "a dry run changes nothing")

    let run = try box.run(["clean", "--prefix", "/pi_"])
    #expect(run.status == 0, "\(run)")
    #expect(run.lines.contains("removed  posix-mq:/pi_q"))
    #expect(run.lines.contains("removed  posix-shm:/pi_rw"))
    #expect(run.lines.contains("removed  posix-sem:/pi_sem_lock"))
    #expect(run.lines.contains("kept     posix-shm:/pi_busy: in use by \(busy.pid) (sleep 60)"), "\(run)")
    #expect(run.lines.contains("kept     posix-shm:/pi_mapped: in use by \(getpid()) (\(shownCommand(getpid()) ?? "?"))"), "\(run)")
    #expect(run.lines.last == "removed 3, kept 2 in use, failed 0")
    // The same lines, the dry run's padded to "would remove".
    #expect(dry.stdout.replacingOccurrences(of: "would remove", with: "removed ")
      .replacingOccurrences(of: "kept         ", with: "kept     ")
      .replacingOccurrences(of: " (dry run: nothing changed)", with: "")
      .replacingOccurrences(of: "removed  3", with: "removed 3") == run.stdout)
    #expect(try refs(box) == ["sysv-mq:0", "posix-shm:/other", "posix-shm:/pi_busy", "posix-shm:/pi_mapped", "sysv-shm:0"])

    let forced = try box.run(["clean", "--prefix", "pi_", "--force", "--json"])
    #expect(forced.status == 0)
    #expect(forced.stdout.hasPrefix("{\"dry_run\": false, \"removed\": 2, \"would_remove\": 0, \"kept\": 0"))
    #expect(try refs(box) == ["sysv-mq:0", "posix-shm:/other", "sysv-shm:0"])
  }

  @Test func refusesToCleanEverythingByAccident() throws {
    let box = try Sandbox()
    _ = try box.run(["create", "sysv-sem", "--count", "1"])
    let run = try box.run(["clean"])
    #expect(run.status == 2)
    #expect(run.stderr.contains("no selector given"))
    #expect(try box.run(["clean", "--kind", "all"]).status == 2)
    #expect(try refs(box) == ["sysv-sem:0"])
    // --force: a set nobody has used yet counts as new for a few seconds (CleanEvidenceTests).
    #expect(try box.run(["clean", "--all", "--force"]).status == 0)
    #expect(try refs(box).isEmpty)
  }

  @Test func selectorsCombine() throws {
    let box = try Sandbox()
    _ = try box.run(["create", "sysv-mq", "--key", "0x11"])
    _ = try box.run(["create", "sysv-mq", "--key", "0x12"])
    _ = try box.run(["create", "sysv-sem", "--count", "1", "--key", "0x11"])
    _ = try box.run(["create", "posix-shm", "/young", "--size", "1"])
    // --force: these queues are new and unused, which clean would otherwise keep a moment.
    #expect(try box.run(["clean", "--key", "0x11", "--kind", "sysv-mq", "--force"]).lines.first == "removed  sysv-mq:0")
    #expect(try box.run(["clean", "--older-than", "1d", "--all"]).lines == ["removed 0, kept 0 in use, failed 0"])
    #expect(try box.run(["clean", "sysv-mq:0x00000012", "/young", "--force"]).lines.count == 3)
    #expect(try refs(box) == ["sysv-sem:0"])
    #expect(try box.run(["clean", "--older-than", "soon"]).status == 2)
  }

  @Test(.otherUsersCanRunTheTool) func unusedSelectsOnlyObjectsNobodyUses() throws {
    let box = try Sandbox()
    let (busy, mapped) = try leftovers(box)
    defer {
      munmap(mapped, 4096)
      busy.stop()
    }
    let run = try box.run(["clean", "--prefix", "/pi_", "--unused", "--force"])
    #expect(run.lines.last == "removed 3, kept 0 in use, failed 0", "\(run)")
  }

  /// The kernel counts System V attachments; /proc is read only to name who is attached.
  @Test(.enabled(if: installed("python3"), "python3 is not installed (it plays the user)"))
  func anAttachedSysVSegmentIsKeptAndItsUserNamed() throws {
    let box = try Sandbox()
    let busy = box.plainSysVSegment(size: 4096)
    // Made by a process that has ended, as a crash leaves it (one whose live creator has not
    // attached it yet is in use: CleanEvidenceTests).
    let idle = Int32(try box.run(["create", "sysv-shm", "--size", "4K"]).stdout.split(separator: ":")[1]
      .trimmingCharacters(in: .whitespacesAndNewlines))!
    let user = try box.attacher(busy)
    defer { user.stop() }
    // list takes clean's selectors: it shows what the dry run below weighs.
    let listed = try box.run(["list", "--kind", "sysv", "--unused", "-o", "ref", "--no-headings"])
    #expect(listed.lines == ["sysv-shm:\(idle)"], "\(listed)")
    let unused = try box.run(["clean", "--kind", "sysv", "--unused", "--dry-run"])
    #expect(unused.lines == ["would remove sysv-shm:\(idle)", "would remove 1, kept 0 in use, failed 0 (dry run: nothing changed)"])
    let run = try box.run(["clean", "--kind", "sysv"])
    #expect(run.lines.first?.hasPrefix("kept     sysv-shm:\(busy): in use by \(user.pid) (") == true, "\(run)")
    #expect(run.lines.dropFirst().first == "removed  sysv-shm:\(idle)")
    #expect(run.lines.last == "removed 1, kept 1 in use, failed 0")
  }

  @Test func anAttachedSegmentMarkedForRemovalIsReportedNotRetried() throws {
    let box = try Sandbox()
    let id = box.plainSysVSegment(size: 4096)
    let address = box.attach(id)
    defer { shmdt(address) }
    _ = try box.run(["unlink", "sysv-shm:\(id)"])
    let run = try box.run(["clean", "--kind", "sysv-shm"])
    #expect(run.lines.first == "kept     sysv-shm:\(id): already marked for removal; freed when its process detaches")
  }

  @Test(.otherUsersCanRunTheTool) func anUnprivilegedUserTouchesNothingItMayNotRemove() throws {
    let box = try Sandbox()
    _ = try box.run(["create", "posix-shm", "/pi_root", "--size", "1"])
    _ = try box.run(["create", "sysv-sem", "--count", "1"])
    _ = try box.run(["create", "posix-shm", "/pi_mine", "--size", "1"], as: 65534)
    let run = try box.run(["clean", "--all", "--force"], as: 65534)
    #expect(run.status == 1, "\(run)")
    #expect(run.lines.contains("failed   posix-shm:/pi_root: Permission denied"))
    #expect(run.lines.contains("failed   sysv-sem:0: Permission denied"))
    #expect(run.lines.contains("removed  posix-shm:/pi_mine"))
    #expect(try refs(box) == ["posix-shm:/pi_root", "sysv-sem:0"])
  }

  @Test func leftoversOfAKilledPiRunAreCleanedByPrefix() throws {
    let box = try Sandbox()
    // What a pi run killed before its workers started would leave: its named objects.
    let pid = 999_999
    _ = try box.run(["create", "posix-shm", "/ipctool-pi-\(pid)-shm", "--size", "16"])
    _ = try box.run(["create", "posix-sem", "/ipctool-pi-\(pid)-sem", "--value", "1"])
    _ = try box.run(["create", "posix-mq", "/ipctool-pi-\(pid)-mq"])
    let run = try box.run(["clean", "--prefix", "/ipctool-pi-"])
    #expect(run.lines.last == "removed 3, kept 0 in use, failed 0", "\(run)")
  }

  /// System V objects are read in ranges of slots on several threads, and told in id order
  /// as a listing is: across ranges, and where a freed slot was taken again (a higher id in a
  /// lower slot). Queues, so that thousands are made in a moment.
  @Test(arguments: [false, true]) func manySystemVObjectsAreToldInIDOrder(json: Bool) throws {
    let box = try Sandbox()
    var queues = box.inIPCNamespace { (0..<2_100).map { _ in msgget(IPC_PRIVATE, IPC_CREAT | 0o600) } }
    try #require(!queues.contains(-1))
    // Slots 0 and 2,050 freed and taken again (the kernel takes slots in turn, so msg_next_id
    // asks for them): their new ids, of a later sequence, are the highest.
    for slot in [0, 2_050] {
      queues[slot] = box.inIPCNamespace {
        msgctl(queues[slot], IPC_RMID, nil)
        let nextID = open("/proc/sys/kernel/msg_next_id", O_WRONLY)
        defer { close(nextID) }
        let id = "\(32_768 * 5 + slot)"
        guard write(nextID, id, id.utf8.count) == id.utf8.count else { return -1 }
        return msgget(IPC_PRIVATE, IPC_CREAT | 0o600)
      }
    }
    try #require(queues[0] > queues[2_099] && queues[2_050] > queues[2_099])
    let listed = try box.run(["list", "--kind", "sysv-mq", "--json"])
    let run = try box.run(["clean", "--kind", "sysv-mq", "--force"] + (json ? ["--json"] : []))
    let told: [Int32]
    if json {
      let objects = try run.objects()
      #expect(run.status == 0 && objects.allSatisfy { $0["action"] as? String == "removed" }, "\(run.stderr)")
      told = objects.compactMap { ($0["ref"] as? String)?.split(separator: ":").last.flatMap { Int32($0) } }
    } else {
      #expect(run.status == 0 && run.lines.last == "removed 2100, kept 0 in use, failed 0", "\(run.stderr)")
      told = run.lines.dropLast().map { Int32($0.split(separator: ":").last!)! }
    }
    // (Compared as a whole without listing 2,100 ids on failure.)
    let outOfOrder = zip(told, told.dropFirst()).first { $0 >= $1 }
    #expect(outOfOrder == nil && told.count == queues.count && Set(told) == Set(queues), "\(String(describing: outOfOrder))")
    let listedIDs = listed.stdout.components(separatedBy: "\"id\": ").dropFirst().map { Int32($0.prefix { $0.isNumber })! }
    #expect(listedIDs == told, "the listing's order differs")
  }

  /// In a dry run every reference starts in the same column: "would remove " is the widest.
  @Test func aDryRunsLinesLineUp() throws {
    let box = try Sandbox()
    box.segment(named: Array("align_kept".utf8), size: 4096)
    box.segment(named: Array("align_gone".utf8))
    let fd = open(box.shmDirectory + "/align_kept", O_RDONLY)
    try #require(fd >= 0)
    let mapped = mmap(nil, 4096, PROT_READ, MAP_SHARED, fd, 0)
    close(fd)
    try #require(mapped != MAP_FAILED)
    defer { munmap(mapped, 4096) }
    let run = try box.run(["clean", "--prefix", "/align_", "--dry-run"])
    let lines = run.lines.dropLast()
    #expect(lines.count == 2 && lines.allSatisfy { $0.dropFirst(13).hasPrefix("posix-shm:/align_") }, "\(run)")
    #expect(lines.first == "would remove posix-shm:/align_gone", "\(run)")
  }
}
