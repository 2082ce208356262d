import Foundation
import TestSupport
import Testing

private let installTestWanted =
  ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty } == true
  || ProcessInfo.processInfo.environment["IPCTOOL_TEST_INSTALL"] == "1"

/// The binary `make` builds, and how `make` itself ended.
private func made() throws -> String {
  let build = try runProgram("/usr/bin/make", ["-C", repository], timeout: 900)
  try #require(build.status == 0, "\(build)")
  return repository + "/.build-install/release/ipctool"
}

/// Debian's own NSS setting: `systemd` after `files`, the module a static glibc crashed in.
private let debianNsswitch = "passwd: files systemd\ngroup: files systemd\n"

private let extrausersInstalled = ["/usr/lib/libnss_extrausers.so.2", "/lib/libnss_extrausers.so.2"]
  .contains { FileManager.default.fileExists(atPath: $0) }

/// `make`, `make install` and the installed tool: the binary, its names, its completions.
///
/// The release build it needs takes about a minute on two cores, most of the suite's time, and no
/// other test uses it. It runs where it proves something the rest cannot: in CI (`CI` set, a
/// fresh clone, so the Makefile builds from nothing), or when `IPCTOOL_TEST_INSTALL=1` asks.
/// Serialized: each test runs `make`, which must not run twice at once.
@Suite(
  .serialized,
  .enabled(if: installed("make"), "make is not installed"),
  .enabled(
    if: installTestWanted,
    "builds a second release (about a minute): runs in CI or with IPCTOOL_TEST_INSTALL=1"))
struct InstallTests {
  @Test func installsEverythingAndUninstallsIt() throws {
    _ = try made()
    let scratch = try TemporaryDirectory()
    let destination = scratch.path
    let install = try runProgram(
      "/usr/bin/make", ["-C", repository, "install", "DESTDIR=\(destination)", "PREFIX=/usr"],
      timeout: 900)
    #expect(install.status == 0, "\(install)")
    let files = [
      "/usr/bin/ipctool", "/usr/share/man/man1/ipctool.1",
      "/usr/share/bash-completion/completions/ipctool", "/usr/share/zsh/site-functions/_ipctool",
      "/usr/share/fish/vendor_completions.d/ipctool.fish",
    ]
    for file in files { #expect(FileManager.default.fileExists(atPath: destination + file), "\(file)") }
    // No toolchain needed: the Swift runtime is linked in; the C library is the host's, so that
    // its NSS modules load.
    let ldd = try runProgram("/usr/bin/ldd", [destination + "/usr/bin/ipctool"])
    #expect(!ldd.stdout.contains("libswift") && !ldd.stdout.contains("Foundation"), "\(ldd.stdout)")
    #expect(ldd.stdout.contains("libc.so.6"), "\(ldd.stdout)")
    let version = try runProgram("/usr/bin/env", ["-i", destination + "/usr/bin/ipctool", "--version"])
    #expect(version.stdout == "ipctool 0.1.0\n")
    let uninstall = try runProgram(
      "/usr/bin/make", ["-C", repository, "uninstall", "DESTDIR=\(destination)", "PREFIX=/usr"])
    #expect(uninstall.status == 0)
    for file in files { #expect(!FileManager.default.fileExists(atPath: destination + file), "\(file)") }
  }

  /// Every path that turns a uid, a gid or a user name into the other, with Debian's
  /// `files systemd`: numbers where no one has them, one line for a name no one has, never a
  /// crash (the static build died with SIGSEGV in each).
  @Test(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"))
  func unknownIdsAndNamesOnDebiansNsswitch() throws {
    let tool = try made()
    let box = try Sandbox()
    try box.nsswitch(debianNsswitch)
    let name = box.name("orphan")
    let made = try box.runInside([tool, "create", "posix-shm", name, "--size", "1"])
    try #require(made.status == 0, "\(made)")
    try #require(chown(box.shmDirectory + name, 4242, 4343) == 0)

    let list = try box.runInside([tool, "list", "-o", "ref,owner,group,uid,gid"])
    #expect(list.status == 0 && !list.signaled, "\(list)")
    #expect(list.lines.last?.split(separator: " ").map(String.init)
      == ["posix-shm:\(name)", "4242", "4343", "4242", "4343"], "\(list)")
    let inspect = try box.runInside([tool, "inspect", name])
    #expect(inspect.status == 0 && inspect.stdout.contains("4242"), "\(inspect)")
    let json = try box.runInside([tool, "list", "--json"])
    #expect(json.status == 0 && !json.signaled, "\(json)")
    let owned = try box.runInside([tool, "list", "--owner", "4242", "-o", "ref"])
    #expect(owned.lines == ["REF", "posix-shm:\(name)"], "\(owned)")
    for user in ["ipctool-nobody-\(getpid())", "root"] {
      let byName = try box.runInside([tool, "list", "--owner", user])
      #expect(!byName.signaled, "\(byName)")
    }
    let unknown = try box.runInside([tool, "list", "--owner", "ipctool-nobody-\(getpid())"])
    #expect(unknown.status == 2 && unknown.stdout == "", "\(unknown)")
    #expect(unknown.stderr.split(separator: "\n").count == 1, "\(unknown)")
  }

  /// The made binary acting in a user's own namespaces through `--target`: listing through the
  /// verified handle, and creating and removing through the forked helper that becomes that
  /// namespace's root (what the release build alone runs for users).
  @Test(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"))
  func actsInAUsersNamespaceAsItsRoot() throws {
    let tool = try made()
    let box = try Sandbox()
    let target = try box.usersTarget("mount -t tmpfs none /dev/shm")
    defer { target.stop() }
    let pid = String(target.pid)
    for (kind, size) in [("posix-shm", ["--size", "8"]), ("posix-sem", [])] {
      let create = try box.runInside([tool, "create", kind, "/made", "--target", pid] + size)
      #expect(create.status == 0, "\(create)")
    }
    let listed = try box.runInside([tool, "list", "--target", pid, "-o", "ref,owner", "--noheadings"])
    #expect(listed.lines == ["posix-shm:/made  nobody", "posix-sem:/made  nobody"], "\(listed)")
    let clean = try box.runInside([tool, "clean", "--target", pid, "--prefix", "/made"])
    #expect(clean.lines.last == "removed 2, kept 0 in use, failed 0", "\(clean)")
  }

  /// A user and a group that only an NSS module knows (Debian's libnss-extrausers, reading
  /// files in /var/lib/extrausers): named in the listing, and `--owner NAME` finds the user, as
  /// `ls -l` would. The group lists 3,000 members, more than a 4 KiB lookup buffer holds.
  @Test(
    .enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"),
    .enabled(if: extrausersInstalled, "needs an NSS module: apt-get install libnss-extrausers"))
  func namesServedOnlyByAnNSSModule() throws {
    let tool = try made()
    let box = try Sandbox()
    try box.nsswitch("passwd: files extrausers systemd\ngroup: files extrausers systemd\n")
    let members = (0..<3000).map { "member\($0)" }.joined(separator: ",")
    let files = [
      "passwd": "ipctool-nss-user:x:4242:4343::/nonexistent:/usr/sbin/nologin\n",
      "group": "ipctool-nss-group:x:4343:\(members)\n",
    ]
    try box.mountFolder("/var/lib/extrausers", holding: files)
    let name = box.name("served")
    let made = try box.runInside([tool, "create", "posix-shm", name, "--size", "1"])
    try #require(made.status == 0, "\(made)")
    try #require(chown(box.shmDirectory + name, 4242, 4343) == 0)
    // ls, through the same glibc, is the reference.
    let ls = try box.runInside(["/bin/ls", "-l", "/dev/shm"])
    #expect(ls.stdout.contains("ipctool-nss-user ipctool-nss-group"), "\(ls)")

    let list = try box.runInside([tool, "list", "-o", "ref,owner,group"])
    #expect(list.lines.last?.split(separator: " ").map(String.init)
      == ["posix-shm:\(name)", "ipctool-nss-user", "ipctool-nss-group"], "\(list)")
    let owned = try box.runInside([tool, "list", "--owner", "ipctool-nss-user", "-o", "ref"])
    #expect(owned.status == 0 && owned.lines == ["REF", "posix-shm:\(name)"], "\(owned)")
  }
}

extension InstallTests {
  /// `make install` as a newcomer runs it (no PREFIX, no DESTDIR), in a namespace whose
  /// /usr/local and fish's completion folder are fresh; then a login of each shell as Debian
  /// sets it up, with the tool's folder on PATH and nothing of the user's: bash loads the
  /// completion through bash-completion, zsh with the .zshrc Debian recommends to a new user
  /// (compinit), fish with no setting at all; `man` finds the page.
  @Test(.enabled(if: Sandbox.isRoot, "needs root for a private mount namespace"))
  func eachShellFindsTheInstalledCompletions() throws {
    _ = try made()
    let box = try Sandbox()
    try box.mountFolder("/usr/local", holding: [:])
    let fishFolder = try? runProgram("/usr/bin/pkg-config", ["--variable", "completionsdir", "fish"])
      .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    if let fishFolder, !fishFolder.isEmpty { try box.mountFolder(fishFolder, holding: [:]) }
    let install = try box.runInside(["/usr/bin/make", "-C", repository, "install"], timeout: 900)
    try #require(install.status == 0, "\(install)")
    let home = try TemporaryDirectory()
    let login = ["/usr/bin/env", "-i", "HOME=\(home.path)", "ZDOTDIR=\(home.path)", "TERM=dumb",
      "PATH=/usr/local/bin:/usr/bin:/bin"]

    if FileManager.default.fileExists(atPath: "/usr/share/bash-completion/bash_completion") {
      let script = """
        _completion_loader ipctool; complete -p ipctool
        COMP_LINE='ipctool li'; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(ipctool li); COMP_CWORD=1
        _ipctool ipctool li ipctool; printf '%s\\n' "${COMPREPLY[@]}"
        """
      let bash = try box.runInside(login + ["/bin/bash", "-l", "-i", "-c", script])
      #expect(bash.lines.first?.hasSuffix("-F _ipctool ipctool") == true, "\(bash)")
      #expect(bash.lines.dropFirst() == ["list", "limits"], "\(bash)")
    } else {
      Issue.record("bash-completion is not installed (apt-get install bash-completion)")
    }
    if installed("zsh"), FileManager.default.fileExists(atPath: "/etc/zsh/newuser.zshrc.recommended") {
      try home.write(".zshrc", try String(contentsOfFile: "/etc/zsh/newuser.zshrc.recommended", encoding: .utf8))
      let zsh = try box.runInside(login + ["zsh", "-i", "-c", "print -r -- $_comps[ipctool]"])
      #expect(zsh.lines.last == "_ipctool", "\(zsh)")
    }
    if installed("fish") {
      let fish = try box.runInside(login + ["fish", "-c", "complete -C 'ipctool li'"])
      #expect(fish.lines.map { $0.prefix { $0 != "\t" } } == ["limits", "list"], "\(fish)")
    }
    if installed("man") {
      let man = try box.runInside(login + ["man", "-w", "ipctool"])
      #expect(man.stdout == "/usr/local/share/man/man1/ipctool.1\n", "\(man)")
    }
    let uninstall = try box.runInside(["/usr/bin/make", "-C", repository, "uninstall"])
    #expect(uninstall.status == 0, "\(uninstall)")
    let left = try box.runInside(["/usr/bin/find", "/usr/local", "-type", "f"])
    #expect(left.stdout == "", "\(left)")
  }
}

extension Sandbox {
  /// Puts `text` over the namespace's /etc/nsswitch.conf (a bind mount, seen only inside).
  func nsswitch(_ text: String) throws {
    let folder = try TemporaryDirectory()
    let file = folder.file("nsswitch.conf")
    try Data(text.utf8).write(to: URL(fileURLWithPath: file))
    try mountInside("mount --bind \"$1\" /etc/nsswitch.conf", file)
  }

  /// A fresh tmpfs over the folder `path` inside the namespace, holding `files` (name:
  /// contents), written through the holder's root (the sandbox is this test's own).
  func mountFolder(_ path: String, holding files: [String: String]) throws {
    try mountInside("mount -t tmpfs -o mode=0755 ipctool-test \"$1\"", path)
    for (name, contents) in files {
      try Data(contents.utf8).write(to: URL(fileURLWithPath: "/proc/\(pid)/root\(path)/\(name)"))
    }
  }

  private func mountInside(_ script: String, _ arguments: String...) throws {
    let run = try runInside(["/bin/sh", "-c", script, "sh"] + arguments)
    try #require(run.status == 0, "\(run)")
  }
}
