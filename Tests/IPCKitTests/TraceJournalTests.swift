import Glibc
import TestSupport
import Testing

@testable import IPCKit

/// The journal `trace --record` keeps: every field back as written, hostile bytes included, and
/// never more than twice its limit on disk.
@Suite struct TraceJournalTests {
  func event(_ number: Int) -> TraceEvent {
    var event = TraceEvent(
      time: 1_796_306_035_084_820_000 + Int64(number), pid: 42, comm: [0x0A, 0xFF, 0x09], call: .shmOpen,
      action: .create, source: .libc, name: Array("/a\tb\n".utf8) + [0xFF, UInt8(number)], flags: 0xC2,
      result: nil, error: .fileExists, failed: true)
    event.ipcNamespace = 4_026_531_839
    event.process = ProcessRef(pid: 42, commandBytes: Array("python3 x\ty".utf8))
    return event
  }

  @Test func readsBackWhatItWrote() throws {
    let folder = try TemporaryDirectory()
    let journal = TraceJournal(path: folder.file("sub/journal"))
    let writer = try journal.writer()
    try writer.append(event(1))
    #expect(journal.events() == [event(1)])
  }

  @Test func keepsAtMostTwiceItsLimit() throws {
    let folder = try TemporaryDirectory()
    let journal = TraceJournal(path: folder.file("journal"), limit: 500)
    let writer = try journal.writer()
    for number in 0..<40 { try writer.append(event(number)) }
    var sizes = 0
    for file in [journal.path, journal.path + ".1"] {
      var info = stat()
      try #require(stat(file, &info) == 0)
      sizes += Int(info.st_size)
    }
    #expect(sizes <= 2 * 500 + TraceJournal.line(event(0)).utf8.count * 2)
    let kept = journal.events()
    #expect(kept.last == event(39))
    #expect(kept.count < 40 && !kept.isEmpty)
  }
}
