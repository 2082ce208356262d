import Glibc
import TestSupport
import Testing

@testable import IPCKit

/// What a watch shows from one sample to the next: new objects marked, vanished ones kept
/// for two refreshes where they stood, rates over the interval the samples' clock gives. On
/// records and, last, on a fixture /proc read through the snapshot, with a clock that says
/// what the test tells it.
@Suite struct WatchStateTests {
  static func segment(_ name: String, inode: UInt64 = 1) throws -> WatchSample.Entry {
    var object = IPCObjectInfo(
      .named(try IPCName(parsing: name)), uid: 0, gid: 0, permissions: .init(rawValue: 0o600),
      details: .posixSharedMemory(PosixSegmentDetails(size: 1, residentBytes: 0)))
    object.file = FileIdentity(device: 1, inode: inode)
    return WatchSample.Entry(object)
  }

  static func names(_ frame: WatchFrame) -> [String] {
    frame.rows.map { row in
      let mark = switch row.mark {
      case .new: "+"
      case .gone: "-"
      case .present: ""
      }
      return mark + (row.object.name?.description ?? "?")
    }
  }

  @Test func newAndGoneAreMarkedAndGoneStaysTwoRefreshes() throws {
    var state = WatchState()
    let a = try Self.segment("/a"), b = try Self.segment("/b"), c = try Self.segment("/c")
    let first = state.advance(to: WatchSample(entries: [a, b, c], taken: 100))
    #expect(Self.names(first) == ["/a", "/b", "/c"], "nothing is new on the first refresh")
    #expect(first.seconds == nil && first.rows.allSatisfy { $0.delta == nil })

    let d = try Self.segment("/d")
    let second = state.advance(to: WatchSample(entries: [a, c, d], taken: 102.5))
    #expect(Self.names(second) == ["/a", "-/b", "/c", "+/d"], "gone where it stood")
    #expect(second.seconds == 2.5 && second.newCount == 1 && second.goneCount == 1)
    #expect(second.rows[0].delta?.seconds == 2.5)
    #expect(second.rows.filter { $0.mark != .present }.allSatisfy { $0.delta == nil })

    let third = state.advance(to: WatchSample(entries: [a, c, d], taken: 104.5))
    #expect(Self.names(third) == ["/a", "-/b", "/c", "/d"], "still shown, no longer new")
    let fourth = state.advance(to: WatchSample(entries: [a, c, d], taken: 106.5))
    #expect(Self.names(fourth) == ["/a", "/c", "/d"], "two refreshes, then gone")
  }

  /// A name removed and made again between two refreshes is another file: the old one gone,
  /// the new one new. One back after vanishing is new, not gone.
  @Test func aNameMadeAgainIsAnotherObject() throws {
    var state = WatchState()
    _ = state.advance(to: WatchSample(entries: [try Self.segment("/a", inode: 1)], taken: 0))
    let again = state.advance(to: WatchSample(entries: [try Self.segment("/a", inode: 2)], taken: 2))
    #expect(Self.names(again).sorted() == ["+/a", "-/a"])
    var back = WatchState()
    let a = try Self.segment("/a"), b = try Self.segment("/b")
    _ = back.advance(to: WatchSample(entries: [a, b], taken: 0))
    _ = back.advance(to: WatchSample(entries: [a], taken: 2))
    #expect(Self.names(back.advance(to: WatchSample(entries: [a, b], taken: 4))) == ["/a", "+/b"])
  }

  /// Gone earlier, gone now and back again, in one frame: each where it sorts.
  @Test func goneAndBackAgainKeepTheirPlaces() throws {
    var state = WatchState()
    let (a, b, c, d) = (try Self.segment("/a"), try Self.segment("/b"), try Self.segment("/c"), try Self.segment("/d"))
    _ = state.advance(to: WatchSample(entries: [a, b, c, d], taken: 0))
    #expect(Self.names(state.advance(to: WatchSample(entries: [a, c], taken: 1))) == ["/a", "-/b", "/c", "-/d"])
    #expect(Self.names(state.advance(to: WatchSample(entries: [b, c], taken: 2))) == ["-/a", "+/b", "/c", "-/d"])
    // Entries from namespaces read one after another come in any order: the frame sorts them.
    var many = WatchState()
    let frame = many.advance(to: WatchSample(entries: [c, a, b], taken: 0))
    #expect(Self.names(frame) == ["/a", "/b", "/c"])
  }

  /// Through the snapshot on a fixture /proc: the queue's count rises by 4 and its last
  /// sender changes between two reads the clock puts 2 s apart: 2 messages in per second.
  @Test func aSnapshotOfFixturesGivesRatesByTheClock() throws {
    let proc = try TemporaryDirectory()
    let header = "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid"
      + "      stime      rtime      ctime\n"
    func queue(_ messages: Int, sender: Int, sent: Int) throws {
      try proc.write(
        "sysvipc/msg",
        header + " -79446365          0   644          24 \(messages) \(sender)   813  1000   100     0"
          + "     0 \(sent) 1795884401 1795884335\n")
    }
    try proc.write("sysvipc/shm", "")
    try proc.write("sysvipc/sem", "")
    try queue(3, sender: 812, sent: 1_795_884_400)
    let paths = IPCPaths(proc: proc.path, shm: "/nonexistent", mqueue: "/nonexistent")
    let context = IPCContext(paths: paths, caller: Caller(euid: 0, capabilities: 0), clock: .fixed(1_795_890_000))
    var snapshot = Snapshot(selection: Selection(kinds: [.sysvQueue]))
    snapshot.withValues = false  // fixture ids: no call on the kernel
    let times = Times([10, 12])
    let clock = WatchClock { times.next() }
    var state = WatchState()
    let first = state.advance(to: snapshot.readForWatch(context, everyNamespace: false, clock: clock).sample)
    #expect(first.rows.map(\.object.reference.description) == ["sysv-mq:0"])
    try queue(7, sender: 900, sent: 1_795_884_410)
    let second = state.advance(to: snapshot.readForWatch(context, everyNamespace: false, clock: clock).sample)
    let delta = try #require(second.rows.first?.delta)
    #expect(delta.seconds == 2 && delta.messagesIn == 2 && delta.messagesOut == 0, "\(delta)")
  }
}

/// A clock that gives these times, one a reading.
final class Times: @unchecked Sendable {
  private var left: [Double]
  init(_ times: [Double]) { left = times }
  func next() -> Double { left.isEmpty ? 0 : left.removeFirst() }
}
