import Foundation
import Testing

/// Every system call goes through one wrapper in Sources/IPCKit/System/, where EINTR, errno and
/// close-on-exec are handled once. This scans the sources as text and names each raw call made
/// anywhere else.
@Suite struct RawSystemCallTests {
  /// The calls that have a wrapper in System/: a call to one of these names, unqualified or
  /// through `Glibc.`, is raw. A method of the same name (`file.read(`, `Self.read(`) is not.
  /// Any use of a CIPCShims function (`ipcshim_`, called or passed) counts too.
  static let wrappedCallNames = [
    // files and descriptors
    "stat", "fstat", "fstatat", "lstat", "statx", "open", "openat", "close", "read", "pread",
    "write", "pwrite", "readlink", "readlinkat", "statvfs", "fstatvfs", "dup", "dup2", "dup3",
    "fcntl", "ftruncate", "unlink", "unlinkat", "fdopendir", "readdir", "closedir",
    "mmap", "munmap", "fchmod", "fchown", "fchmodat", "fchownat", "link", "linkat", "access",
    "faccessat", "posix_fallocate", "fallocate", "umask", "lseek", "fsync", "mkdir", "rename",
    // processes and time
    "kill", "fork", "waitpid", "poll", "usleep", "nanosleep", "pipe", "pipe2", "socketpair",
    "send", "recv", "setns", "unshare", "mount", "umount2", "process_vm_readv", "sysconf",
    "getrlimit", "setrlimit", "getgroups", "ioctl", "isatty", "clock_gettime", "memfd_create",
    // POSIX IPC
    "mq_open", "mq_close", "mq_unlink", "mq_send", "mq_receive", "mq_timedsend",
    "mq_timedreceive", "mq_getattr", "mq_setattr", "mq_notify", "shm_open", "shm_unlink",
    "sem_open", "sem_close", "sem_unlink", "sem_post", "sem_wait", "sem_trywait",
    "sem_timedwait", "sem_getvalue", "sem_init", "sem_destroy",
    // System V IPC
    "shmget", "shmat", "shmdt", "shmctl", "msgget", "msgsnd", "msgrcv", "msgctl", "semget",
    "semop", "semtimedop", "semctl",
  ]


  /// The package's root, found from this file: the test does not depend on where it is cloned.
  static let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  @Test func noRawCallOutsideSystem() throws {
    let sources = Self.swiftFiles(under: Self.root.appendingPathComponent("Sources"))
    #expect(sources.count > 50, "found the sources from #filePath")
    var raw: [String] = []
    for file in sources {
      let relative = String(file.path.dropFirst(Self.root.path.count + 1))
      if relative.hasPrefix("Sources/IPCKit/System/") {
        continue
      }
      for found in try Self.rawCalls(in: String(contentsOf: file, encoding: .utf8)) {
        raw.append("\(relative):\(found.line): \(found.call)")
      }
    }
    #expect(
      raw.isEmpty,
      "raw system calls outside Sources/IPCKit/System/:\n\(raw.joined(separator: "\n"))")
  }

  /// The scan finds what it is meant to find (a test that could not fail proves nothing).
  @Test func theScanSeesRawCalls() throws {
    let source = """
      let n = Glibc.read(fd, p, 1)
      let q = ipcshim_mq_open(n, 0, 0, nil)
      name.withCString(ipcshim_mq_unlink)
      guard kill(pid, 0) == 0 else { return }
      _ = kill(pid, 9)
      let bytes = file.read(upTo: 4)  // read(2) below
      let s = "close(fd)"
      """
    let found = try Self.rawCalls(in: source)
    #expect(found.map(\.line) == [1, 2, 3, 4, 5])
    #expect(
      found.map(\.call) == ["Glibc.read", "ipcshim_mq_open", "ipcshim_mq_unlink", "kill", "kill"])
    // A file that declares its own `write` calls it unqualified; Glibc's is still raw there.
    let own = """
      private func write(_ text: String) {}
      write("x")
      _ = Glibc.write(2, p, 1)
      func names<T>(_ read: (passwd) -> T) -> T? { read(entry) }
      """
    #expect(try Self.rawCalls(in: own).map(\.line) == [3])
  }

  /// The raw calls in one file's text, by line (from 1). Read identifier by identifier (a
  /// regular expression per line took a minute and a half on a loaded machine).
  static func rawCalls(in text: String) throws -> [(line: Int, call: String)] {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
      .map { identifiers(in: withoutCommentsAndStrings($0)) }
    // Names the file declares itself (a method, a parameter): unqualified, they call that.
    var declared: Set<Substring> = []
    for line in lines {
      for (index, word) in line.enumerated() where index > 0 {
        let before = line[index - 1]
        if before.text == "func" || (before.text == "_" && word.labels) {
          declared.insert(word.text)
        }
      }
    }
    var found: [(line: Int, call: String)] = []
    for (number, line) in lines.enumerated() {
      for word in line {
        if word.text.hasPrefix("ipcshim_") {
          found.append((number + 1, String(word.text)))
        } else if word.calls, wrappedCalls.contains(word.text) {
          if word.afterGlibc {
            found.append((number + 1, "Glibc." + word.text))
          } else if !word.afterDot && !declared.contains(word.text) {
            found.append((number + 1, String(word.text)))
          }
        }
      }
    }
    return found
  }

  static let wrappedCalls: Set<Substring> = Set(wrappedCallNames.map { Substring($0) })

  /// One identifier of a line: whether a dot stands before it (a member: `file.read`), that
  /// dot after `Glibc` (the C function itself), and whether `(` follows it (a call).
  struct Word {
    var text: Substring
    var afterDot = false
    var afterGlibc = false
    var calls = false
    /// `:` follows it: a parameter's name (`_ read: (passwd) -> T`).
    var labels = false
  }

  static func identifiers(in line: String) -> [Word] {
    var words: [Word] = []
    var index = line.startIndex
    func isIdentifier(_ character: Character) -> Bool {
      character == "_" || character.isLetter || character.isNumber
    }
    while index < line.endIndex {
      guard isIdentifier(line[index]) else {
        index = line.index(after: index)
        continue
      }
      let start = index
      while index < line.endIndex && isIdentifier(line[index]) { index = line.index(after: index) }
      var word = Word(text: line[start..<index])
      if start > line.startIndex && line[line.index(before: start)] == "." {
        word.afterDot = true
        word.afterGlibc = line[..<line.index(before: start)].hasSuffix("Glibc")
      }
      word.calls = index < line.endIndex && line[index] == "("
      word.labels = line[index...].first { $0 != " " } == ":"
      words.append(word)
    }
    return words
  }

  static func swiftFiles(under folder: URL) -> [URL] {
    guard let walk = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
    else { return [] }
    return walk.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
      .sorted { $0.path < $1.path }
  }

  /// The line with its `//` comment and the insides of its string literals blanked, so a doc
  /// comment's "`mq_unlink(3)`" or a call's name as a string is not taken for a call.
  static func withoutCommentsAndStrings(_ line: Substring) -> String {
    var out = ""
    var inString = false
    var previous: Character = " "
    for character in line {
      if inString {
        if character == "\"" && previous != "\\" { inString = false; out.append(character) }
        previous = character == "\\" && previous == "\\" ? " " : character
        continue
      }
      if character == "/" && previous == "/" {
        out.removeLast()
        break
      }
      if character == "\"" { inString = true }
      out.append(character)
      previous = character
    }
    return out
  }
}
