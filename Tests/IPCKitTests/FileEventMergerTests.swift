import Glibc
import Testing

@testable import IPCKit

/// fanotify's entries against the traced calls: one event a call, and entries no call made.
@Suite struct FileEventMergerTests {
  func call(_ call: TraceEvent.Call, _ name: String, pid: pid_t = 5, at time: Int64, source: TraceEvent.Source = .libc)
    -> TraceEvent
  {
    TraceEvent(
      time: time, pid: pid, comm: [], call: call, action: call == .mqUnlink || call == .shmUnlink ? .remove : .create,
      source: source, name: source == .libc ? Array(name.utf8) : nil, failed: false)
  }

  func entry(_ name: [UInt8], _ change: Fanotify.Event.Change = .created, pid: pid_t = 5) -> Fanotify.Event {
    Fanotify.Event(change: change, thread: pid, name: name)
  }

  @Test func anEntryACallMadeIsLeftToTheCallAndOthersAreShown() {
    var merger = FileEventMerger()
    merger.note(call(.shmOpen, "/jobs", at: 10))
    merger.add([entry(Array("jobs".utf8)), entry(Array("raw\n".utf8) + [0xFF])], place: .shm, readAt: 20) { _ in [] }
    let made = merger.resolve(upTo: 30) { _ in nil }
    #expect(made.map(\.name) == [Array("/raw\n".utf8) + [0xFF]])
    #expect(made.first?.call == .fsCreate && made.first?.source == .fanotify && made.first?.kind == .posixSharedMemory)
  }

  @Test func aReadingIsComparedOnlyOnceTheLinesBeforeItAreIn() {
    var merger = FileEventMerger()
    merger.add([entry(Array("jobs".utf8))], place: .shm, readAt: 20) { _ in [] }
    #expect(merger.resolve(upTo: 20) { _ in nil }.isEmpty)  // the call's return may be on its way
    merger.note(call(.shmOpen, "/jobs", at: 15))
    #expect(merger.resolve(upTo: 21) { _ in nil }.isEmpty)
  }

  @Test func aCallInProgressMadeTheEntry() {
    var merger = FileEventMerger()
    merger.add([entry(Array("sem.jobs".utf8))], place: .shm, readAt: 20) { _ in [] }
    #expect(merger.resolve(upTo: 30) { _ in (.semOpen, Array("/jobs".utf8)) }.isEmpty)
  }

  @Test func aSemaphoreFileIsASemaphoreAndAnotherThreadsEntryIsItsOwn() {
    var merger = FileEventMerger()
    merger.note(call(.semOpen, "/jobs", at: 10))
    merger.add([entry(Array("sem.jobs".utf8), pid: 6)], place: .shm, readAt: 20) { _ in [] }
    let made = merger.resolve(upTo: 30) { _ in nil }
    #expect(made.map(\.kind) == [.posixSemaphore] && made.first?.name == Array("/jobs".utf8))
  }

  @Test func aQueueCallWithoutANameTakesTheEntrysName() {
    var merger = FileEventMerger()
    merger.hold(call(.mqOpen, "", at: 10, source: .syscall))
    merger.add([entry(Array("q\u{1}".utf8))], place: .mqueue, readAt: 20) { _ in [] }
    let made = merger.resolve(upTo: 30) { _ in nil }
    #expect(made.count == 1 && made.first?.call == .mqOpen && made.first?.name == Array("/q\u{1}".utf8))
  }

  @Test func callsThatReturnedBeforeAReadingAreForgottenAfterIt() {
    var merger = FileEventMerger()
    merger.note(call(.shmUnlink, "/jobs", at: 10))
    merger.add([], place: .shm, readAt: 20) { _ in [] }
    _ = merger.resolve(upTo: 30) { _ in nil }
    // A later removal of the same name, by a direct unlink, is its own.
    merger.add([entry(Array("jobs".utf8), .removed)], place: .shm, readAt: 40) { _ in [] }
    #expect(merger.resolve(upTo: 50) { _ in nil }.map(\.call) == [.fsDelete])
  }

  @Test func aSemaphoresTemporaryFileRemovedAfterItsCallIsForgottenIsStillTheCalls() {
    var merger = FileEventMerger()
    merger.add([entry(Array("sem.a1B2c3".utf8))], place: .shm, readAt: 20) { _ in [] }
    #expect(merger.resolve(upTo: 30) { _ in (.semOpen, Array("/jobs".utf8)) }.isEmpty)
    merger.note(call(.semOpen, "/jobs", at: 35))
    merger.add([], place: .shm, readAt: 40) { _ in [] }
    _ = merger.resolve(upTo: 50) { _ in nil }  // the call is forgotten
    merger.add([entry(Array("sem.a1B2c3".utf8), .removed)], place: .shm, readAt: 60) { _ in [] }
    #expect(merger.resolve(upTo: 70) { _ in nil }.isEmpty)
    // Once only: a later removal of that name by a direct unlink is its own.
    merger.add([entry(Array("sem.a1B2c3".utf8), .removed)], place: .shm, readAt: 80) { _ in [] }
    #expect(merger.resolve(upTo: 90) { _ in nil }.map(\.call) == [.fsDelete])
  }
}
