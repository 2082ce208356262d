import Testing

@testable import IPCKit

/// How the ranges of one System V kind, read on several threads, come into id order.
@Suite struct SysVSlotsOrderTests {
  static func pass(_ ids: [Int32], seen: Int? = nil) -> SysVSlots.Pass<Int32> {
    var pass = SysVSlots.Pass<Int32>()
    (pass.ids, pass.results, pass.seen) = (ids, ids, seen ?? ids.count)
    return pass
  }

  @Test func nothingSeenIsUnreadable() {
    #expect(SysVSlots.order([Self.pass([]), Self.pass([])]) == .unreadable)
    #expect(SysVSlots.inIDOrder([Self.pass([])]) == nil)
  }

  /// Objects were read but none selected: nothing to order, and no reason for /proc.
  @Test func seenButNoneSelectedIsInOrder() {
    #expect(SysVSlots.order([Self.pass([], seen: 3)]) == .asRead)
    #expect(SysVSlots.inIDOrder([Self.pass([], seen: 3)]) == [])
  }

  @Test func slotOrderIsUsuallyIdOrder() {
    let passes = [Self.pass([0, 1, 5]), Self.pass([]), Self.pass([2049])]
    #expect(SysVSlots.order(passes) == .asRead)
    #expect(SysVSlots.inIDOrder(passes) == [0, 1, 5, 2049])
  }

  /// A slot taken again gets a larger sequence number: its id comes after later slots'.
  @Test func aReusedSlotIsPutInIdOrder() {
    let passes = [Self.pass([32769, 5]), Self.pass([2050])]
    #expect(SysVSlots.order(passes) == .permuted([1, 2, 0]))
    #expect(SysVSlots.inIDOrder(passes) == [5, 2050, 32769])
  }
}
