import Foundation
import TestSupport
import Testing

/// What the /proc scan may take as evidence of use, and what it must not (#22 items 4, 10, 11,
/// 12; #23): a maps file is read whole, a "/SYSV" file counts only on the kernel's own shm
/// mount, "(deleted)" means unlinked only when no name holds the inode, and who could not be
/// read is named.
@Suite(
  .enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"),
  .enabled(if: installed("python3"), "python3 is not installed (it maps the objects)"))
struct UsageEvidenceTests {
  /// Runs a Python script inside the sandbox's namespaces until it says "ready" on stderr;
  /// `wrapper` is a command that runs the rest (as `unshare ... sh -c '...; exec "$@"'` does).
  func python(
    _ box: Sandbox, _ script: String, arguments: [String] = [], wrapper: [String] = [], as user: uid_t? = nil
  ) throws -> RunningProgram {
    let folder = try TemporaryDirectory(shared: true)
    try folder.write("p.py", script, mode: 0o644)
    let program = try RunningProgram(
      "/usr/bin/nsenter",
      ["--target", String(box.pid), "--ipc", "--mount"]
        + (user.map { ["--setuid", String($0), "--setgid", String($0), "--wd=/"] } ?? []) + ["--"] + wrapper
        + ["python3", folder.file("p.py")] + arguments)
    let ready = waitUntil(timeout: 120) { program.outputSoFar.contains("ready") }
    try #require(ready, "\(program.outputSoFar)")
    return program
  }

  /// A /proc file read to its end (its size says 0).
  func procFile(_ pid: pid_t, _ name: String) throws -> Data {
    let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/\(pid)/\(name)"))
    defer { try? handle.close() }
    return try handle.readToEnd() ?? Data()
  }

  /// A process whose maps file is longer than 64 MiB (19,000 mappings of a file whose path is
  /// near PATH_MAX: about 73 MB of text, a few MB of kernel memory), mapping a segment in the
  /// part past 64 MiB: it is the segment's user, and clean keeps the segment.
  @Test func aMapsFilePast64MiBIsReadWhole() throws {
    let box = try Sandbox()
    box.segment(named: Array("big".utf8), size: 4096)
    let deep = try TemporaryDirectory(shared: true)
    let mapper = try python(box, """
      import ctypes, os, sys
      libc = ctypes.CDLL(None, use_errno=True)
      libc.mmap.restype = ctypes.c_void_p
      libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
      def mapped(path, prot):  # mmap(2) itself: Python's mmap keeps a descriptor open
          fd = os.open(path, os.O_RDWR if prot == 3 else os.O_RDONLY)
          address = libc.mmap(None, 4096, prot, 1, fd, 0)  # MAP_SHARED
          os.close(fd)
          assert address not in (None, ctypes.c_void_p(-1).value), ctypes.get_errno()
      mapped("/dev/shm/big", 3)  # first: the highest address, listed last
      os.chdir(sys.argv[1])
      for _ in range(15):
          os.makedirs("d" * 250, exist_ok=True)
          os.chdir("d" * 250)
      with open("f", "wb") as f:
          f.write(b"x" * 4096)
      for _ in range(19000):
          mapped("f", 1)
      print("ready", file=sys.stderr, flush=True)
      __import__("time").sleep(600)
      """, arguments: [deep.path])
    defer { mapper.stop() }
    // The premise: the segment's line starts past 64 MiB of maps text.
    let maps = try procFile(mapper.pid, "maps")
    let offset = try #require(maps.range(of: Data("/big\n".utf8))?.lowerBound)
    try #require(offset > 64 << 20, "the segment is listed at byte \(offset) of \(maps.count)")
    let users = try box.run(["list", "--users", "--prefix", "/big", "-o", "ref,users", "--noheadings"])
    #expect(users.lines.first?.hasPrefix("posix-shm:/big  \(mapper.pid) (") == true, "\(users)")
    let clean = try box.run(["clean", "--all"])
    #expect(clean.stdout.contains("kept     posix-shm:/big: in use by \(mapper.pid) ("), "\(clean)")
    #expect(box.shmFileNames().contains(Array("big".utf8)))
  }

  /// A user's own tmpfs, in a mount namespace of its own, holds a file named "/SYSV00007777"
  /// whose inode is the id of another's segment; mapped, and the tmpfs moved onto that
  /// namespace's "/" (so the path /proc shows is "/SYSV00007777"), it makes nobody a user of
  /// the segment.
  @Test func aFileNamedLikeASysVSegmentIsNoAttachment() throws {
    let box = try Sandbox()
    // Ids are the namespace's own: make the victim's id 2, the inode of the first file on a
    // fresh tmpfs (1 is its root).
    _ = try box.runInside(["/bin/sh", "-c", "echo 2 > /proc/sys/kernel/shm_next_id"])
    let made = try box.run(["create", "sysv-shm", "--key", "0x7777", "--size", "4K"])
    try #require(made.stdout == "sysv-shm:2\n", "\(made)")
    let mountPoint = try TemporaryDirectory(shared: true)
    let faker = try python(box, """
      import mmap, os, sys
      folder = sys.argv[1]
      while True:  # until a file has the victim's id as inode
          path = os.path.join(folder, "f%d" % len(os.listdir(folder)))
          open(path, "wb").write(b"x" * 4096)
          if os.stat(path).st_ino == 2:
              break
          if os.stat(path).st_ino > 2:
              sys.exit("no inode 2")
      os.rename(path, os.path.join(folder, "SYSV00007777"))
      f = open(os.path.join(folder, "SYSV00007777"), "r+b")
      m = mmap.mmap(f.fileno(), 4096)
      f.close()
      import ctypes
      libc = ctypes.CDLL(None, use_errno=True)
      if libc.mount(folder.encode(), b"/", None, 8192, None) != 0:  # MS_MOVE
          sys.exit("mount --move: errno %d" % ctypes.get_errno())
      print("ready", file=sys.stderr, flush=True)
      __import__("time").sleep(600)
      """, arguments: [mountPoint.path],
      wrapper: [
        "unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
        "mount -t tmpfs fake \"$0\" && exec \"$@\"", mountPoint.path,
      ])
    defer { faker.stop() }
    let maps = String(decoding: try procFile(faker.pid, "maps"), as: UTF8.self)
    let fake = maps.split(separator: "\n").contains {
      let fields = $0.split(separator: " ", omittingEmptySubsequences: true)
      return fields.count == 6 && fields[4] == "2" && fields[5] == "/SYSV00007777"
    }
    try #require(fake, "\(maps)")
    let users = try box.run(["list", "--users", "--kind", "sysv-shm", "-o", "ref,users", "--noheadings"])
    #expect(users.lines == ["sysv-shm:2  -"], "\(users)")
    let inspect = try box.run(["inspect", "sysv-shm:2"])
    #expect(!inspect.stdout.contains("\(faker.pid)"), "\(inspect)")
  }

  /// A live file literally named "x (deleted)", mapped: it is listed with its user, and no
  /// note calls it unlinked.
  @Test func aLiveFileNamedDeletedIsNotUnlinked() throws {
    let box = try Sandbox()
    box.segment(named: Array("x (deleted)".utf8), size: 4096)
    let mapper = try python(box, """
      import mmap, sys
      f = open("/dev/shm/x (deleted)", "r+b")
      m = mmap.mmap(f.fileno(), 4096)
      print("ready", file=sys.stderr, flush=True)
      __import__("time").sleep(600)
      """)
    defer { mapper.stop() }
    let run = try box.run(["list", "--users", "--verbose", "-o", "ref,users", "--noheadings"])
    #expect(run.stderr == "", "\(run)")
    #expect(run.lines.first?.hasPrefix("posix-shm:/x (deleted)  \(mapper.pid) (") == true, "\(run)")
    let json = try box.run(["list", "--users", "--json"]).stdout
    #expect(json.hasPrefix("{\"deleted_mappings\": [], "), "\(json)")
  }

  /// glibc's sem_open maps a "sem.XXXXXX" it then links to "sem.NAME" and unlinks; Python's
  /// multiprocessing unlinks the name too, at once, and keeps using the semaphore. Three
  /// healthy processes with a Lock each, and one named semaphore kept by name: no note.
  @Test func healthySemaphoreUsersLeaveNoNotes() throws {
    let box = try Sandbox()
    var programs: [RunningProgram] = []
    defer { for program in programs { program.stop() } }
    for _ in 0..<3 {
      programs.append(try python(box, """
        import multiprocessing, sys
        lock = multiprocessing.Lock()
        with lock:
            print("ready", file=sys.stderr, flush=True)
        __import__("time").sleep(600)
        """))
    }
    programs.append(try python(box, """
      import ctypes, sys
      libc = ctypes.CDLL(None)
      libc.sem_open.restype = ctypes.c_void_p
      assert libc.sem_open(b"/kept", 0o100, 0o600, 1)  # O_CREAT
      print("ready", file=sys.stderr, flush=True)
      __import__("time").sleep(600)
      """))
    let maps = String(decoding: try procFile(programs[0].pid, "maps"), as: UTF8.self)
    try #require(maps.contains("/sem.") && maps.contains(" (deleted)"), "\(maps)")
    let run = try box.run(["list", "--users", "--verbose"])
    #expect(run.status == 0 && run.stderr == "", "\(run)")
    #expect(run.stdout.contains("posix-sem:/kept"), "\(run)")
    let json = try box.run(["list", "--users", "--json"]).stdout
    #expect(json.hasPrefix("{\"deleted_mappings\": [], "), "\(json)")
  }

  /// Seen by a user who may not read root's processes: "users unknown" names them, says that
  /// root would tell, and JSON lists each.
  @Test(.otherUsersCanRunTheTool) func usersUnknownNamesWhoCouldNotBeRead() throws {
    let box = try Sandbox()
    box.segment(named: Array("unk".utf8), owner: 65534)
    let run = try box.run(["clean", "--prefix", "/unk", "--dry-run"], as: 65534)
    #expect(run.stdout.contains("kept         posix-shm:/unk: users unknown: pid"), "\(run)")
    #expect(run.stdout.contains(" could not be read; running as root would tell, or --force removes it\n"), "\(run)")
    let json = try box.run(["clean", "--prefix", "/unk", "--dry-run", "--json"], as: 65534).stdout
    let item = try #require(
      (try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["objects"] as? [[String: Any]]
    ).first
    let unreadable = (item?["unreadable"] as? [[String: Any]])?.compactMap { $0["pid"] as? Int } ?? []
    #expect(unreadable.contains(Int(box.pid)), "\(json)")
    #expect(box.shmFileNames().contains(Array("unk".utf8)))
  }

  /// A process that sent to a queue and ended, not yet reaped by its parent (a zombie, as a
  /// killed server's workers are for a moment): nobody's user, and not named as one (#23).
  @Test func aZombieIsNotAUser() throws {
    let box = try Sandbox()
    let made = try box.run(["create", "sysv-mq", "--key", "0x2323"])
    try #require(made.status == 0, "\(made)")
    let parent = try python(box, """
      import ctypes, os, sys, time
      libc = ctypes.CDLL(None)
      queue = libc.msgget(0x2323, 0)
      child = os.fork()
      if child == 0:
          message = ctypes.create_string_buffer(b"\\x01\\0\\0\\0\\0\\0\\0\\0x", 9)
          libc.msgsnd(queue, message, 1, 0)
          os._exit(0)
      while open("/proc/%d/stat" % child).read().rsplit(")", 1)[1].split()[0] != "Z":
          time.sleep(0.01)
      print("ready", child, file=sys.stderr, flush=True)
      time.sleep(600)
      """)
    defer { parent.stop() }
    let child = try #require(parent.outputSoFar.split(separator: " ").last.flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
    let listed = try box.run(["inspect", "sysv-mq:0", "--json"]).objects().first
    try #require((listed?["last_send_pid"] as? Int).map(Int32.init) == child, "\(String(describing: listed))")
    let clean = try box.run(["clean", "--all", "--dry-run"])
    #expect(!clean.stdout.contains("by \(child) ("), "\(clean)")
  }

  /// A process whose main thread has exited (its /proc/PID shows state Z, no maps, no
  /// descriptors) while another thread runs on with a segment mapped: it is the user.
  @Test func aProcessWhoseMainThreadEndedStillUses() throws {
    let box = try Sandbox()
    box.segment(named: Array("thr".utf8), size: 4096)
    let mapper = try python(box, """
      import ctypes, os, sys, threading, time
      libc = ctypes.CDLL(None)
      libc.mmap.restype = ctypes.c_void_p
      libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
      fd = os.open("/dev/shm/thr", os.O_RDWR)
      libc.mmap(None, 4096, 3, 1, fd, 0)  # MAP_SHARED, and no descriptor left
      os.close(fd)
      def report():
          while open("/proc/%d/stat" % os.getpid()).read().rsplit(")", 1)[1].split()[0] != "Z":
              time.sleep(0.01)
          print("ready", file=sys.stderr, flush=True)
          time.sleep(600)
      threading.Thread(target=report).start()
      libc.pthread_exit(None)
      """)
    defer { mapper.stop() }
    let clean = try box.run(["clean", "--all"])
    #expect(clean.stdout.contains("kept     posix-shm:/thr: in use by \(mapper.pid) ("), "\(clean)")
    #expect(box.shmFileNames().contains(Array("thr".utf8)))
  }

  /// The owner guard counts such a process too: its /proc/PID/ns links are gone with its main
  /// thread, but it runs on, and may hold its owner's object without mapping it.
  @Test func aProcessWhoseMainThreadEndedCountsForItsOwner() throws {
    let box = try Sandbox()
    box.segment(named: Array("owned".utf8), owner: 65534)
    let runner = try python(box, """
      import ctypes, os, sys, threading, time
      def report():
          while open("/proc/%d/stat" % os.getpid()).read().rsplit(")", 1)[1].split()[0] != "Z":
              time.sleep(0.01)
          print("ready", file=sys.stderr, flush=True)
          time.sleep(600)
      threading.Thread(target=report).start()
      ctypes.CDLL(None).pthread_exit(None)
      """, as: 65534)
    defer { runner.stop() }
    let clean = try box.run(["clean", "--all"])
    #expect(clean.stdout.contains("kept     posix-shm:/owned: owner nobody has 1 live process here"), "\(clean)")
    #expect(box.shmFileNames().contains(Array("owned".utf8)))
  }

  /// A process of the same user with a capability the caller lacks: /proc lets the caller list
  /// its descriptors but not follow them (nor read its maps). Holding a queue only by its
  /// descriptor, it is "could not be read", not nobody.
  @Test(.otherUsersCanRunTheTool, .enabled(if: installed("setpriv"), "setpriv is not installed"))
  func descriptorsThatCannotBeFollowedAreUnknown() throws {
    let box = try Sandbox()
    let made = try box.run(["create", "posix-mq", "/capq"], as: 65534)
    try #require(made.status == 0, "\(made)")
    let holder = try python(box, """
      import ctypes, os, sys, time
      fd = ctypes.CDLL(None).mq_open(b"/capq", os.O_RDWR)
      assert fd >= 0
      print("ready", file=sys.stderr, flush=True)
      time.sleep(600)
      """, wrapper: [
        "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=+net_raw",
        "--ambient-caps=+net_raw", "--", "/usr/bin/env", "PATH=/usr/bin:/bin",  // a python3 it may run
      ])
    defer { holder.stop() }
    let clean = try box.run(["clean", "--prefix", "/capq", "--dry-run"], as: 65534)
    #expect(clean.stdout.contains("kept         posix-mq:/capq: users unknown: pid"), "\(clean)")
    #expect(clean.stdout.contains("could not be read; running as root would tell, or --force removes it"), "\(clean)")
    // The holder among them (besides the sandbox's root processes, hidden from this user too):
    // its maps hide nothing a queue needs; its descriptors do.
    let json = try box.run(["clean", "--prefix", "/capq", "--dry-run", "--json"], as: 65534).stdout
    let item = try #require(
      (try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["objects"] as? [[String: Any]]
    ).first
    let unreadable = (item?["unreadable"] as? [[String: Any]])?.compactMap { $0["pid"] as? Int } ?? []
    #expect(unreadable.contains(Int(holder.pid)), "\(json)")
    // Root reads it, and names the user.
    let asRoot = try box.run(["clean", "--prefix", "/capq", "--dry-run"])
    #expect(asRoot.stdout.contains("kept         posix-mq:/capq: in use by \(holder.pid) ("), "\(asRoot)")
  }
}
