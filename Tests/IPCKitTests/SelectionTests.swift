import Glibc
import Testing

@testable import IPCKit

/// What selectors choose, on records and a fixed time: the AND of kinds, name prefix (bytes),
/// owner, age, keys and references; and when a selection narrows nothing or names no object.
@Suite struct SelectionTests {
  static let then = 1_800_000_000

  static func segment(_ bytes: [UInt8], uid: uid_t = 1000) throws -> IPCObjectInfo {
    var object = IPCObjectInfo(
      .named(try IPCName(bytes: bytes)), uid: uid, gid: 0, permissions: .init(rawValue: 0o600),
      details: .posixSharedMemory(PosixSegmentDetails(size: 1, residentBytes: 0)))
    object.changed = then
    return object
  }

  static func queue(id: Int32 = 3, key: Int32 = 0x2222) -> IPCObjectInfo {
    var object = IPCObjectInfo(
      .sysv(id: id, key: key), uid: 0, gid: 0, permissions: .init(rawValue: 0o600),
      details: .sysvQueue(SysVQueueDetails()))
    object.changed = then
    return object
  }

  @Test func aPrefixComparesBytes() throws {
    var selection = Selection()
    selection.prefix = Array("/K".utf8)
    #expect(selection.matches(try Self.segment(Array("/Kafka".utf8)), now: Self.then))
    // KELVIN SIGN looks like K, and is other bytes.
    #expect(!selection.matches(try Self.segment(Array("/\u{212A}afka".utf8)), now: Self.then))
    #expect(!selection.matches(Self.queue(), now: Self.then))  // no name
  }

  @Test func kindsOwnerKeysAndReferencesCombineWithAnd() throws {
    let object = try Self.segment(Array("/a".utf8))
    #expect(!Selection(kinds: [.sysvQueue]).matches(object, now: Self.then))
    var byOwner = Selection()
    byOwner.owner = 1000
    #expect(byOwner.matches(object, now: Self.then))
    #expect(!byOwner.matches(Self.queue(), now: Self.then))
    var byKey = Selection()
    byKey.keys = [0x2222]
    #expect(byKey.matches(Self.queue(), now: Self.then) && !byKey.matches(Self.queue(key: 5), now: Self.then))
    #expect(!byKey.matches(object, now: Self.then))
    var byReference = Selection()
    byReference.references = [.sysvID(.sysvQueue, 3)]
    #expect(byReference.matches(Self.queue(), now: Self.then) && !byReference.matches(Self.queue(id: 4), now: Self.then))
    byReference.owner = 1000  // and the owner too
    #expect(!byReference.matches(Self.queue(), now: Self.then))
  }

  /// An age counts from the last activity, by the clock given.
  @Test func anAgeCountsFromTheLastActivity() throws {
    var selection = Selection()
    selection.olderThan = 60
    let object = try Self.segment(Array("/a".utf8))
    #expect(!selection.matches(object, now: Self.then + 59))
    #expect(selection.matches(object, now: Self.then + 60))
  }

  @Test func whatNarrowsAndWhatNamesObjects() {
    #expect(Selection().selectsEverything && Selection().namesNoObject)
    var slash = Selection()
    slash.prefix = [UInt8(ascii: "/")]  // what --prefix "$UNSET/" gives: no selector
    #expect(slash.selectsEverything && slash.namesNoObject)
    var prefix = Selection()
    prefix.prefix = Array("/pi_".utf8)
    #expect(!prefix.selectsEverything && !prefix.namesNoObject)
    var kinds = Selection(kinds: [.sysvQueue])
    kinds.kindsNarrow = true
    #expect(!kinds.selectsEverything && kinds.namesNoObject)
    var owner = Selection()
    owner.owner = 1000
    #expect(!owner.selectsEverything && owner.namesNoObject)
    var age = Selection()
    age.olderThan = 1
    #expect(!age.selectsEverything && age.namesNoObject)
    var keys = Selection()
    keys.keys = [1]
    #expect(!keys.selectsEverything && !keys.namesNoObject)
    var references = Selection()
    references.references = [.sysvID(.sysvQueue, 0)]
    #expect(!references.selectsEverything && !references.namesNoObject)
  }
}
