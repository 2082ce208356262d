import Glibc
import Testing

@testable import IPCKit

/// Which events a selection shows when the caller's IPC namespace could not be read (#29).
struct TraceSelectionTests {
  func event(namespace: UInt64?) -> TraceEvent {
    var event = TraceEvent(
      time: 0, pid: 4242, comm: Array("gone".utf8), call: .shmget, action: .create, source: .syscall,
      name: nil, failed: false)
    event.ipcNamespace = namespace
    return event
  }

  @Test func aCallerOfUnknownNamespaceIsNotShownForOneNamespaceButCounted() {
    var selection = TraceSelection()
    selection.namespaces = .only(7)
    #expect(!selection.matches(event(namespace: nil)))
    #expect(selection.hidesForUnknownNamespace(event(namespace: nil)))
    #expect(selection.matches(event(namespace: 7)))
    #expect(!selection.matches(event(namespace: 8)))
    #expect(!selection.hidesForUnknownNamespace(event(namespace: 8)))
  }

  @Test func everyNamespaceShowsItWithItsNamespaceUnknown() {
    let selection = TraceSelection()
    #expect(selection.matches(event(namespace: nil)))
    #expect(!selection.hidesForUnknownNamespace(event(namespace: nil)))
  }
}
