import Glibc
import TestSupport
import Testing

@testable import IPCKit

/// A context names the IPC namespace its objects are in: the thread's where it is made, or the
/// one given (a namespace `--all-namespaces` reads before its thread has joined it).
@Suite struct IPCContextTests {
  let nowhere = IPCPaths(shm: "/nonexistent", mqueue: "/nonexistent")

  @Test func aContextIsInItsThreadsNamespace() throws {
    let mine = try IPCNamespaceID.of("thread-self").get()
    #expect(IPCContext(paths: nowhere).ipcNamespace == mine)
  }

  @Test(.enabled(if: geteuid() == 0, "a new IPC namespace needs root"))
  func aContextMadeInAnotherNamespaceNamesThatOne() throws {
    let mine = try IPCNamespaceID.of("thread-self").get()
    let (theirs, made) = try onThread(in: .fresh) {
      (try IPCNamespaceID.of("thread-self").get(), IPCContext(paths: nowhere).ipcNamespace)
    }
    #expect(theirs != mine)
    #expect(made == theirs)
    // Given, it is taken as given: made here, for there.
    #expect(IPCContext(paths: nowhere, ipcNamespace: theirs).ipcNamespace == theirs)
  }
}
