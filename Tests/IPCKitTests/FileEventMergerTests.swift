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

  /// A reading that took no time, at `microseconds` (trace lines are stamped in whole µs).
  func at(_ microseconds: Int64) -> FileEventMerger.Reading { .init(start: microseconds * 1000, end: microseconds * 1000) }

  func entry(_ name: [UInt8], _ change: Fanotify.Event.Change = .created, pid: pid_t = 5) -> Fanotify.Event {
    Fanotify.Event(change: change, thread: pid, name: name)
  }

  @Test func anEntryACallMadeIsLeftToTheCallAndOthersAreShown() {
    var merger = FileEventMerger()
    merger.note(call(.shmOpen, "/jobs", at: 10_000))
    merger.add([entry(Array("jobs".utf8)), entry(Array("raw\n".utf8) + [0xFF])], place: .shm, reading: at(20)) { _ in [] }
    let made = merger.resolve(upTo: 30_000) { _ in nil }
    #expect(made.map(\.name) == [Array("/raw\n".utf8) + [0xFF]])
    #expect(made.first?.call == .fsCreate && made.first?.source == .fanotify && made.first?.kind == .posixSharedMemory)
  }

  @Test func aReadingIsComparedOnlyOnceTheLinesBeforeItAreIn() {
    var merger = FileEventMerger()
    merger.add([entry(Array("jobs".utf8))], place: .shm, reading: at(20)) { _ in [] }
    #expect(merger.resolve(upTo: 20_000) { _ in nil }.isEmpty)  // the call's return may be on its way
    merger.note(call(.shmOpen, "/jobs", at: 15_000))
    #expect(merger.resolve(upTo: 21_000) { _ in nil }.isEmpty)
  }

  @Test func aCallInProgressMadeTheEntry() {
    var merger = FileEventMerger()
    merger.add([entry(Array("sem.jobs".utf8))], place: .shm, reading: at(20)) { _ in [] }
    #expect(merger.resolve(upTo: 30_000) { _ in (.semOpen, Array("/jobs".utf8)) }.isEmpty)
  }

  @Test func aSemaphoreFileIsASemaphoreAndAnotherThreadsEntryIsItsOwn() {
    var merger = FileEventMerger()
    merger.note(call(.semOpen, "/jobs", at: 10_000))
    merger.add([entry(Array("sem.jobs".utf8), pid: 6)], place: .shm, reading: at(20)) { _ in [] }
    let made = merger.resolve(upTo: 30_000) { _ in nil }
    #expect(made.map(\.kind) == [.posixSemaphore] && made.first?.name == Array("/jobs".utf8))
  }

  @Test func aQueueCallWithoutANameTakesTheEntrysName() {
    var merger = FileEventMerger()
    merger.hold(call(.mqOpen, "", at: 10_000, source: .syscall))
    merger.add([entry(Array("q\u{1}".utf8))], place: .mqueue, reading: at(20)) { _ in [] }
    let made = merger.resolve(upTo: 30_000) { _ in nil }
    #expect(made.count == 1 && made.first?.call == .mqOpen && made.first?.name == Array("/q\u{1}".utf8))
  }

  @Test func callsThatReturnedBeforeAReadingAreForgottenAfterIt() {
    var merger = FileEventMerger()
    merger.note(call(.shmUnlink, "/jobs", at: 10_000))
    merger.add([], place: .shm, reading: at(20)) { _ in [] }
    _ = merger.resolve(upTo: 30_000) { _ in nil }
    // A later removal of the same name, by a direct unlink, is its own.
    merger.add([entry(Array("jobs".utf8), .removed)], place: .shm, reading: at(40)) { _ in [] }
    #expect(merger.resolve(upTo: 50_000) { _ in nil }.map(\.call) == [.fsDelete])
  }

  @Test func aSemaphoresTemporaryFileRemovedAfterItsCallIsForgottenIsStillTheCalls() {
    var merger = FileEventMerger()
    merger.add([entry(Array("sem.a1B2c3".utf8))], place: .shm, reading: at(20)) { _ in [] }
    #expect(merger.resolve(upTo: 30_000) { _ in (.semOpen, Array("/jobs".utf8)) }.isEmpty)
    merger.note(call(.semOpen, "/jobs", at: 35_000))
    merger.add([], place: .shm, reading: at(40)) { _ in [] }
    _ = merger.resolve(upTo: 50_000) { _ in nil }  // the call is forgotten
    merger.add([entry(Array("sem.a1B2c3".utf8), .removed)], place: .shm, reading: at(60)) { _ in [] }
    #expect(merger.resolve(upTo: 70_000) { _ in nil }.isEmpty)
    // Once only: a later removal of that name by a direct unlink is its own.
    merger.add([entry(Array("sem.a1B2c3".utf8), .removed)], place: .shm, reading: at(80)) { _ in [] }
    #expect(merger.resolve(upTo: 90_000) { _ in nil }.map(\.call) == [.fsDelete])
  }

  /// The reading [10 µs, 20 µs] saw no entry: the call that made one at 12 µs and returned at
  /// 15 µs, while the watches were being read, made an entry the next reading brings.
  @Test func aCallThatReturnedWhileTheWatchesWereReadIsKeptForTheNextReading() {
    var merger = FileEventMerger()
    merger.add([], place: .shm, reading: .init(start: 10_000, end: 20_000)) { _ in [] }
    merger.note(call(.shmOpen, "/jobs", at: 15_000))
    #expect(merger.resolve(upTo: 25_000) { _ in nil }.isEmpty)
    merger.add([entry(Array("jobs".utf8))], place: .shm, reading: .init(start: 30_000, end: 31_000)) { _ in [] }
    #expect(merger.resolve(upTo: 40_000) { _ in nil }.isEmpty)
  }

  /// A line stamped 10 µs may be a return at 10.9 µs: after a reading that started at 10.5 µs,
  /// so its entry may come with the next reading.
  @Test func aCallStampedInTheMicrosecondAReadingStartedIsKept() {
    var merger = FileEventMerger()
    merger.note(call(.shmOpen, "/jobs", at: 10_000))
    merger.add([], place: .shm, reading: .init(start: 10_500, end: 10_600)) { _ in [] }
    #expect(merger.resolve(upTo: 12_000) { _ in nil }.isEmpty)
    merger.add([entry(Array("jobs".utf8))], place: .shm, reading: .init(start: 13_000, end: 13_100)) { _ in [] }
    #expect(merger.resolve(upTo: 14_000) { _ in nil }.isEmpty)
  }

  /// A reading's entries wait for every line stamped before its end, not its start: an entry
  /// made while the watches were read is compared once its call's lines are in.
  @Test func aReadingWaitsForTheLinesBeforeItsEnd() {
    var merger = FileEventMerger()
    merger.add([entry(Array("jobs".utf8))], place: .shm, reading: .init(start: 10_000, end: 20_000)) { _ in [] }
    #expect(merger.resolve(upTo: 15_000) { _ in nil }.isEmpty)
    merger.note(call(.shmOpen, "/jobs", at: 18_000))
    #expect(merger.resolve(upTo: 21_000) { _ in nil }.isEmpty)
  }
}
