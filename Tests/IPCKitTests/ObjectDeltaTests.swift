import Glibc
import Testing

@testable import IPCKit

/// The rates and changes a watch derives from two records of one object, read a known time
/// apart: records as the kernel gives them, no kernel, no waiting.
@Suite struct ObjectDeltaTests {
  static let then = 1_800_000_000

  static func sysvQueue(
    messages: UInt64, sender: pid_t = 0, sent: Int? = nil, receiver: pid_t = 0, received: Int? = nil
  ) -> IPCObjectInfo {
    var details = SysVQueueDetails()
    (details.messages, details.lastSendPID, details.lastSend) = (messages, sender, sent)
    (details.lastReceivePID, details.lastReceive) = (receiver, received)
    return IPCObjectInfo(
      .sysv(id: 3, key: 0), uid: 0, gid: 0, permissions: .init(rawValue: 0o600),
      details: .sysvQueue(details))
  }

  static func posixQueue(messages: UInt64, modified: Int) throws -> IPCObjectInfo {
    var details = PosixQueueDetails()
    (details.messages, details.modified) = (messages, modified)
    return IPCObjectInfo(
      .named(try IPCName(parsing: "/jobs")), uid: 0, gid: 0, permissions: .init(rawValue: 0o600),
      details: .posixQueue(details))
  }

  @Test func aSystemVQueueOnlySentToHasItsInRate() {
    let before = Self.sysvQueue(messages: 1, sender: 10, sent: Self.then)
    let after = Self.sysvQueue(messages: 5, sender: 11, sent: Self.then + 2)
    let delta = ObjectDelta(from: before, to: after, seconds: 2)
    #expect(delta.messagesIn == 2 && delta.messagesOut == 0 && delta.messagesNet == 2)
  }

  @Test func aSystemVQueueOnlyReceivedFromHasItsOutRate() {
    let before = Self.sysvQueue(messages: 6, receiver: 20, received: Self.then)
    let after = Self.sysvQueue(messages: 0, receiver: 20, received: Self.then + 1)
    let delta = ObjectDelta(from: before, to: after, seconds: 4)
    #expect(delta.messagesIn == 0 && delta.messagesOut == 1.5 && delta.messagesNet == -1.5)
  }

  /// Both sides acted: the count's change is their difference, and only that is known.
  @Test func aSystemVQueueSentToAndReceivedFromHasOnlyItsNet() {
    let before = Self.sysvQueue(messages: 2, sender: 10, sent: Self.then, receiver: 20, received: Self.then)
    let after = Self.sysvQueue(
      messages: 3, sender: 10, sent: Self.then + 1, receiver: 20, received: Self.then + 1)
    let delta = ObjectDelta(from: before, to: after, seconds: 2)
    #expect(delta.messagesIn == nil && delta.messagesOut == nil && delta.messagesNet == 0.5)
    // A send seen by its time, the count as it was: a receive took one too.
    let even = ObjectDelta(
      from: before, to: Self.sysvQueue(messages: 2, sender: 10, sent: Self.then + 1, receiver: 20, received: Self.then),
      seconds: 2)
    #expect(even.messagesIn == nil && even.messagesOut == nil && even.messagesNet == 0)
  }

  @Test func aQuietQueueIsZeroBothWays() throws {
    let queue = Self.sysvQueue(messages: 2, sender: 10, sent: Self.then)
    let delta = ObjectDelta(from: queue, to: queue, seconds: 2)
    #expect(delta.messagesIn == 0 && delta.messagesOut == 0 && delta.messagesNet == 0)
    let posix = try Self.posixQueue(messages: 2, modified: Self.then)
    let still = ObjectDelta(from: posix, to: posix, seconds: 2)
    #expect(still.messagesIn == 0 && still.messagesOut == 0 && still.messagesNet == 0)
  }

  /// A POSIX queue's file time moves on a send and a receive alike: any change is net only.
  @Test func aPosixQueueTellsOnlyItsNet() throws {
    let before = try Self.posixQueue(messages: 0, modified: Self.then)
    let filled = ObjectDelta(from: before, to: try Self.posixQueue(messages: 6, modified: Self.then + 1), seconds: 2)
    #expect(filled.messagesIn == nil && filled.messagesOut == nil && filled.messagesNet == 3)
    let busy = ObjectDelta(from: before, to: try Self.posixQueue(messages: 0, modified: Self.then + 1), seconds: 2)
    #expect(busy.messagesIn == nil && busy.messagesOut == nil && busy.messagesNet == 0)
  }

  @Test func attachesValuesSemopsAndSizes() throws {
    func segment(_ attached: UInt64, attach: Int, detach: Int) -> IPCObjectInfo {
      var details = SysVSegmentDetails()
      (details.attached, details.lastAttach, details.lastDetach, details.size) = (attached, attach, detach, 4096)
      return IPCObjectInfo(
        .sysv(id: 1, key: 0), uid: 0, gid: 0, permissions: .init(rawValue: 0o600),
        details: .sysvSharedMemory(details))
    }
    let two = ObjectDelta(
      from: segment(1, attach: Self.then, detach: 0), to: segment(3, attach: Self.then + 1, detach: 0), seconds: 2)
    #expect(two.attachedChange == 2 && two.attachActivity)
    // One attached and one detached: the count as it was, the times moved.
    let even = ObjectDelta(
      from: segment(1, attach: Self.then, detach: 0),
      to: segment(1, attach: Self.then + 1, detach: Self.then + 1), seconds: 2)
    #expect(even.attachedChange == 0 && even.attachActivity)
    let quiet = ObjectDelta(
      from: segment(1, attach: Self.then, detach: 0), to: segment(1, attach: Self.then, detach: 0), seconds: 2)
    #expect(quiet.attachedChange == 0 && !quiet.attachActivity && quiet.messagesNet == nil)

    func semaphore(_ value: UInt32) throws -> IPCObjectInfo {
      IPCObjectInfo(
        .named(try IPCName(parsing: "/lock")), uid: 0, gid: 0, permissions: .init(rawValue: 0o600),
        details: .posixSemaphore(PosixSemaphoreDetails(value: value)))
    }
    #expect(ObjectDelta(from: try semaphore(3), to: try semaphore(1), seconds: 2).valueChange == -2)

    func set(_ operation: Int) -> IPCObjectInfo {
      var details = SysVSemaphoreSetDetails()
      details.lastOperation = operation
      return IPCObjectInfo(
        .sysv(id: 2, key: 0), uid: 0, gid: 0, permissions: .init(rawValue: 0o600),
        details: .sysvSemaphore(details))
    }
    #expect(ObjectDelta(from: set(Self.then), to: set(Self.then + 3), seconds: 2).semaphoreOperated)
    #expect(!ObjectDelta(from: set(Self.then), to: set(Self.then), seconds: 2).semaphoreOperated)

    func shm(_ size: UInt64) throws -> IPCObjectInfo {
      IPCObjectInfo(
        .named(try IPCName(parsing: "/frames")), uid: 0, gid: 0, permissions: .init(rawValue: 0o600),
        details: .posixSharedMemory(PosixSegmentDetails(size: size, residentBytes: 0)))
    }
    #expect(ObjectDelta(from: try shm(4096), to: try shm(8192), seconds: 2).sizeChange == 4096)
  }
}
