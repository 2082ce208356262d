import Glibc
import Testing

@testable import IPCKit

/// The metric families made of objects, without the kernel: what is summed per kind and owner,
/// what is left out where it cannot be known, and ages by the scrape's clock.
@Suite struct MetricsFamiliesTests {
  static func segment(_ name: String, size: UInt64, uid: uid_t = 0, users: Int?, changed: Int)
    throws -> IPCObjectInfo
  {
    var object = IPCObjectInfo(
      .named(try IPCName(bytes: Array(name.utf8))), uid: uid, gid: 0,
      permissions: .init(rawValue: 0o600),
      details: .posixSharedMemory(PosixSegmentDetails(size: size, residentBytes: 0)))
    object.changed = changed
    object.users = users.map { count in
      (0..<count).map { ProcessRef(pid: pid_t(100 + $0), commandBytes: Array("app".utf8)) }
    }
    return object
  }

  static func sysvQueue(messages: UInt64, bytes: UInt64) -> IPCObjectInfo {
    var queue = SysVQueueDetails()
    queue.messages = messages
    queue.bytes = bytes
    return IPCObjectInfo(
      .sysv(id: 5, key: 0), uid: 0, gid: 0, permissions: .init(rawValue: 0o600),
      details: .sysvQueue(queue))
  }

  static func families(_ runs: [[IPCObjectInfo]], now: Int, perObject: Bool = false)
    -> [Metric: [MetricSample]]
  {
    var part = MetricsScrape.Part(tag: nil)
    for run in runs { part.tally.add(MetricsTally(run, perObject: perObject)) }
    part.now = now
    let families = MetricsFamilies(
      parts: [part], perObject: perObject, allNamespaces: false, unjoined: []
    ).families
    return Dictionary(uniqueKeysWithValues: families.map { ($0.metric, $0.samples) })
  }

  static func value(_ samples: [MetricSample]?, kind: String, owner: String = "root")
    -> MetricValue?
  {
    let found = (samples ?? []).filter {
      $0.label("kind") == Array(kind.utf8) && $0.label("owner") == Array(owner.utf8)
    }
    return found.count == 1 ? found[0].value : nil
  }

  @Test func sumsRunsPerKindAndOwner() throws {
    let families = Self.families(
      [
        [try Self.segment("/a", size: 4096, users: 0, changed: 1000)],
        [
          try Self.segment("/b", size: 8192, users: 2, changed: 1500),
          try Self.segment("/c", size: 100, users: 0, changed: 1200),
          Self.sysvQueue(messages: 3, bytes: 300),
        ],
      ], now: 2000)
    #expect(Self.value(families[.objects], kind: "posix-shm") == .count(3))
    #expect(Self.value(families[.sharedMemoryBytes], kind: "posix-shm") == .count(12388))
    #expect(Self.value(families[.attachedProcesses], kind: "posix-shm") == .count(2))
    #expect(Self.value(families[.unusedObjects], kind: "posix-shm") == .count(2))
    // The oldest unused one is /a, last active at 1000: 1000 s before the clock's 2000.
    #expect(Self.value(families[.oldestUnusedAge], kind: "posix-shm") == .count(1000))
    #expect(Self.value(families[.queuedMessages], kind: "sysv-mq") == .count(3))
    #expect(Self.value(families[.queuedBytes], kind: "sysv-mq") == .count(300))
    // A System V queue's users are not recorded: no series says "none use it".
    #expect(Self.value(families[.attachedProcesses], kind: "sysv-mq") == nil)
    #expect(Self.value(families[.unusedObjects], kind: "sysv-mq") == nil)
    #expect(families[.objectBytes] == nil, "no per-object series unless asked")
  }

  @Test func usersNotReadAreNotNone() throws {
    let unread = try Self.segment("/a", size: 1, users: nil, changed: 0)
    let families = Self.families([[unread]], now: 10)
    #expect(Self.value(families[.unusedObjects], kind: "posix-shm") == .count(0))
    #expect(Self.value(families[.oldestUnusedAge], kind: "posix-shm") == nil)
  }

  @Test func perObjectSeriesCarryTheNameBytes() throws {
    let name: [UInt8] = Array("/x\"\n".utf8) + [0xFF]
    var object = try Self.segment("/y", size: 7, users: 1, changed: 5)
    object.identity = .named(try IPCName(bytes: name))
    let families = Self.families([[object]], now: 65, perObject: true)
    let sample = try #require(families[.objectBytes]?.first)
    #expect(sample.label("object") == Array("posix-shm:".utf8) + name)
    #expect(sample.value == .count(7))
    #expect(families[.objectIdle]?.first?.value == .count(60))
    #expect(families[.objectUsers]?.first?.value == .count(1))
  }
}
