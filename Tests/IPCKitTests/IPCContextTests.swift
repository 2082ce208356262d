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

  /// Its queues are read through one directory, opened once in its namespace and kept; asked
  /// from a thread in another namespace, they are not read at all (a mount made there would
  /// list that namespace's).
  @Test(.enabled(if: geteuid() == 0, "a new IPC namespace needs root"))
  func itsQueuesAreReadOnceAndOnlyInItsNamespace() throws {
    let name = try IPCName(parsing: "/context_queue")
    let (first, second, context, unopened) = try onThread(in: .fresh) {
      let context = IPCContext(paths: IPCPaths())
      let inventory = Inventory(context: context)
      _ = try inventory.create(.posixQueue(name, maxMessages: 1, messageSize: 8), permissions: IPCPermissions(rawValue: 0o600))
      let first = inventory.list([.posixQueue])
      let second = inventory.list([.posixQueue])
      return (first.objects.map(\.name), second.objects.map(\.name), context, IPCContext(paths: IPCPaths()))
    }
    #expect(first == [name])
    #expect(second == [name])
    // Kept, the directory is still that namespace's, whichever thread reads it.
    #expect(Inventory(context: context).list([.posixQueue]).objects.map(\.name) == [name])
    // Never opened there, it is not opened here: this thread is in another namespace.
    let elsewhere = Inventory(context: unopened).list([.posixQueue])
    #expect(elsewhere.gaps == [.queuesOfAnotherNamespace] && elsewhere.objects.isEmpty)
  }
}
