import CIPCShims
import Foundation
import TestSupport
import Testing

/// Names are bytes: every object is listed, named, found and removed by exactly its own bytes,
/// and no name or process name can write raw control bytes to the terminal.
@Suite(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"))
struct HostileNameTests {
  static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]  // U+FFFD as UTF-8
  /// Pairs a String would take for one name: invalid UTF-8 and its repair, and canonical
  /// equivalents (KELVIN SIGN and K, NFC and NFD, ANGSTROM SIGN and Å).
  static let lookAlikes: [[UInt8]] = [
    Array("db".utf8) + [0xFF] + Array("lock".utf8), Array("db".utf8) + replacement + Array("lock".utf8),
    Array("\u{212A}afka".utf8), Array("Kafka".utf8),
    Array("caf\u{E9}".utf8), Array("cafe\u{301}".utf8),
    Array("\u{212B}ngstrom".utf8), Array("\u{C5}ngstrom".utf8),
  ]
  /// Names that would forge a row, move the terminal's cursor or set its title.
  static let forging: [[UInt8]] = [
    Array("evil\nsysv-shm:0   root  rw-------  fake".utf8),
    Array("tmpx\nremoved 0, kept 0 in use, failed 0".utf8),
    Array("t\u{1B}]0;title\u{07}".utf8), Array("clear\u{1B}[2J".utf8),
    Array("c1\u{9B}31m".utf8), Array("back\\slash".utf8), Array("del\u{7F}".utf8),
    Array(repeating: UInt8(ascii: "n"), count: 254) + [0xFF],  // 255 bytes
  ]

  /// Text a terminal shows as it is: valid UTF-8 with no C0, DEL or C1 control but the newline.
  static func isSafe(_ bytes: [UInt8]) -> Bool {
    guard let text = String(validating: bytes, as: UTF8.self) else { return false }
    return text.unicodeScalars.allSatisfy { scalar in
      scalar == "\n" || !(scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value))
    }
  }

  static func bytes(fromHex hex: String) -> [UInt8] {
    var out: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
      let next = hex.index(index, offsetBy: 2)
      out.append(UInt8(hex[index..<next], radix: 16)!)
      index = next
    }
    return out
  }

  @Test func everyListedReferenceNamesExactlyItsObject() throws {
    let box = try Sandbox()
    let names = Self.lookAlikes + Self.forging
    for name in names { box.segment(named: name) }
    let table = try box.run(["list", "-o", "ref,size"])
    let tableIsSafe = Self.isSafe(table.stdoutBytes)
    #expect(table.status == 0 && tableIsSafe, "\(table)")
    #expect(table.lines.count == names.count + 1, "one line a name, and the header: \(table)")
    let listing = try box.run(["list", "--json"])
    let listingIsSafe = Self.isSafe(listing.stdoutBytes)
    #expect(listingIsSafe, "JSON shows no raw control either")
    let objects = try listing.objects()
    // JSON gives back every name's exact bytes, and its text where it has one.
    let listed = objects.compactMap { ($0["name_hex"] as? String).map(Self.bytes(fromHex:)) }
    #expect(Set(listed) == Set(names.map { [UInt8(ascii: "/")] + $0 }))
    for object in objects {
      let exact = Self.bytes(fromHex: object["name_hex"] as? String ?? "")
      let text = object["name"] as? String
      #expect(text.map { Array($0.utf8) == exact } ?? (String(validating: exact, as: UTF8.self) == nil))
    }
    // Each printed reference, typed back, finds that one object and removes only it.
    var left = Set(names)
    for object in objects {
      let ref = try #require(object["ref"] as? String)
      let exact = Array(Self.bytes(fromHex: object["name_hex"] as! String).dropFirst())
      let inspected = try box.run(["inspect", ref, "--json"]).objects()
      #expect(inspected.map { $0["name_hex"] as? String } == [object["name_hex"] as? String], "\(ref)")
      let unlink = try box.run(["unlink", ref])
      #expect(unlink.status == 0, "\(ref): \(unlink)")
      left.remove(exact)
      #expect(box.shmFileNames() == left, "unlink \(ref) removed exactly that name")
    }
  }

  @Test func cleanComparesBytesNotStrings() throws {
    let box = try Sandbox()
    for name in Self.lookAlikes { box.segment(named: name) }
    let invalid = Self.lookAlikes[0], repaired = Self.lookAlikes[1]
    // nobody owns the invalid name; root owns its repaired look-alike.
    _ = try box.runInside(["/bin/sh", "-c", "chown 65534 \"/dev/shm/$(printf 'db\\377lock')\""])
    let byOwner = try box.run(["clean", "--owner", "nobody"])
    #expect(byOwner.lines == ["removed  posix-shm:/db\\xfflock", "removed 1, kept 0 in use, failed 0"], "\(byOwner)")
    #expect(!box.shmFileNames().contains(invalid) && box.shmFileNames().contains(repaired))
    // One of each canonically equivalent pair, named in escaped or raw form.
    for (gone, kept) in [("/\u{212A}afka", "Kafka"), ("/cafe\u{301}", "caf\u{E9}"), ("/\u{C5}ngstrom", "\u{212B}ngstrom")] {
      let run = try box.run(["clean", "posix-shm:" + gone])
      #expect(run.lines.count == 2 && run.lines.last == "removed 1, kept 0 in use, failed 0", "\(run)")
      #expect(!box.shmFileNames().contains(Array(gone.utf8.dropFirst())))
      #expect(box.shmFileNames().contains(Array(kept.utf8)), "\(kept) survives clean \(gone)")
    }
    // A raw byte in argv names the same object as its escaped spelling.
    box.segment(named: Array("v".utf8) + [0xFF])
    box.segment(named: Array("v".utf8) + Self.replacement)
    let raw = try box.runInside(["/bin/sh", "-c", "\"$0\" unlink \"$(printf '/v\\377')\"", toolPath])
    #expect(raw.status == 0, "\(raw)")
    #expect(box.shmFileNames().contains(Array("v".utf8) + Self.replacement))
    #expect(!box.shmFileNames().contains(Array("v".utf8) + [0xFF]))
  }

  @Test func namesThatAreNotUTF8CanBeRemovedByEveryCommand() throws {
    let box = try Sandbox()
    box.segment(named: [0xC3, 0x28])  // a broken two-byte sequence
    box.segment(named: [0xFE, 0xFF])
    box.queue(named: [UInt8(ascii: "/"), 0xFF, UInt8(ascii: "q")])
    let forced = try box.run(["clean", "--all", "--force"])
    #expect(forced.lines.sorted() == [
      "removed  posix-mq:/\\xffq", "removed  posix-shm:/\\xc3(", "removed  posix-shm:/\\xfe\\xff",
      "removed 3, kept 0 in use, failed 0",
    ].sorted(), "\(forced)")
    #expect(try box.run(["list", "--json"]).objects().isEmpty)
    box.queue(named: [UInt8(ascii: "/"), 0xFF, UInt8(ascii: "q")])
    let inspect = try box.run(["inspect", "/\\xffq", "--json"]).objects()
    #expect(inspect.first?["name_hex"] as? String == "2fff71" && inspect.first?["name"] is NSNull)
    #expect(try box.run(["unlink", "posix-mq:/\\xffq"]).status == 0)
    #expect(try box.run(["list", "--json"]).objects().isEmpty)
  }

  /// A process names itself (its program's file name, here): its command line reaches USERS
  /// and clean's notes escaped.
  @Test func processNamesAreEscaped() throws {
    let box = try Sandbox()
    box.segment(named: Array("held".utf8), size: 4096)
    let folder = try TemporaryDirectory()
    let program = folder.file("\u{1B}[2Jx")
    try folder.copy("/bin/sleep", as: "\u{1B}[2Jx")
    let holder = try RunningProgram(
      "/usr/bin/nsenter",
      ["--target", String(box.pid), "--ipc", "--mount", "--", "/bin/sh", "-c",
       "exec 3</dev/shm/held; exec \"$0\" 60", program])
    defer { holder.stop() }
    try #require(waitUntil { commandName(holder.pid) == "\u{1B}[2Jx" }, "the holder never started")
    let users = try box.run(["list", "--users", "-o", "ref,users"])
    let usersAreSafe = Self.isSafe(users.stdoutBytes)
    #expect(usersAreSafe, "\(users)")
    #expect(users.lines.last == "posix-shm:/held  \(holder.pid) (\(folder.path)/\\e[2Jx 60)", "\(users)")
    let clean = try box.run(["clean", "--prefix", "/held"])
    let cleanIsSafe = Self.isSafe(clean.stdoutBytes)
    #expect(cleanIsSafe, "\(clean)")
    #expect(clean.lines.first == "kept     posix-shm:/held: in use by \(holder.pid) (\(folder.path)/\\e[2Jx 60)", "\(clean)")
  }

  /// A segment unlinked while a renamed process still maps it: the note names both escaped.
  @Test(.enabled(if: installed("python3"), "python3 is not installed"))
  func deletedMappingNotesAreEscaped() throws {
    let box = try Sandbox()
    box.segment(named: Array("gone\u{1B}]0;x\u{07}".utf8), size: 4096)
    // It names itself twice: its command line (argv[0]) and its kernel name (prctl).
    let folder = try TemporaryDirectory()
    try folder.write("m.py", """
      import ctypes, mmap, os, sys, time
      if "RENAMED" not in os.environ:
          os.environ["RENAMED"] = "1"
          os.environ["PYTHONHOME"] = sys.prefix + ":" + sys.exec_prefix  # argv[0] no longer finds it
          os.execv(sys.executable, ["\\x1b[2Jmapper", sys.argv[0]])
      ctypes.CDLL(None).prctl(15, b"\\x1b[2Jmapper", 0, 0, 0)
      fd = os.open("/dev/shm/gone\\x1b]0;x\\x07", os.O_RDWR)
      area = mmap.mmap(fd, 4096)
      os.unlink("/dev/shm/gone\\x1b]0;x\\x07")
      print("ready", flush=True)
      time.sleep(60)
      """)
    let mapper = try RunningProgram(
      "/usr/bin/nsenter",
      ["--target", String(box.pid), "--ipc", "--mount", "--", "python3", folder.file("m.py")])
    defer { mapper.stop() }
    try #require(waitUntil { commandName(mapper.pid) == "\u{1B}[2Jmapper" && box.shmFileNames().isEmpty }, "\(mapper.outputSoFar)")
    // One summary line; --verbose names each (#23).
    let summary = try box.run(["list", "--users"])
    #expect(summary.stderr == "ipctool: note: 1 unlinked file of /dev/shm still mapped by 1 process, not yet freed (--verbose names them)\n", "\(summary)")
    let run = try box.run(["list", "--users", "--verbose"])
    let note = "ipctool: note: \(mapper.pid) (\\e[2Jmapper \(folder.file("m.py"))) still maps /dev/shm/gone\\e]0;x\\x07"
      + " (deleted): unlinked, not yet freed\n"
    #expect(run.stderr == note, "\(run)")
    #expect(Self.isSafe(Array(run.stderr.utf8)))
    // Only for what the selectors name.
    #expect(try box.run(["list", "--users", "--verbose", "--prefix", "/gone"]).stderr == note)
    #expect(try box.run(["list", "--users", "--prefix", "/other"]).stderr == "")
    #expect(try box.run(["list", "--users", "--kind", "sysv"]).stderr == "")
    #expect(try box.run(["list", "--users", "--kind", "posix-sem"]).stderr == "")
    // Another namespace's /dev/shm is another file system: its mappings are not ours to report.
    let elsewhere = try Sandbox().run(["list", "--users"])
    #expect(!elsewhere.stderr.contains("still maps"), "\(elsewhere)")
  }
}
