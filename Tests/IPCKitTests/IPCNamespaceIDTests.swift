import Glibc
import Testing
import TestSupport

@testable import IPCKit

/// "Which IPC namespace am I in", read one way for everything.
@Suite struct IPCNamespaceIDTests {
  @Test func selfAndPidAreTheSameNamespace() throws {
    let mine = try IPCNamespaceID.of("self").get()
    #expect(try IPCNamespaceID.of(String(getpid())).get() == mine)
    #expect(try IPCNamespaceID.of("thread-self").get() == mine)
    #expect(mine.description == "ipc:[\(mine.inode)]")
  }

  @Test func aProcessThatIsNotThereHasNone() {
    #expect(IPCNamespaceID.of(String(Int32.max)) == .failure(.noSuchFileOrDirectory))
  }

  /// A thread in a fresh IPC namespace reads another id than the process's, and its pid's
  /// entry (the main thread) still reads the process's.
  @Test(.enabled(if: geteuid() == 0, "unshare(CLONE_NEWIPC) needs root"))
  func aFreshNamespaceHasAnotherID() throws {
    let mine = try IPCNamespaceID.of("self").get()
    let theirs = try onThread(in: .fresh) { try IPCNamespaceID.of("thread-self").get() }
    #expect(theirs != mine)
  }
}
