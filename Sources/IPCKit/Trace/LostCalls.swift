/// How many of the calls a trace selected it could not report, because the kernel's buffer was
/// full when their events came.
///
/// The main instance holds two events a call (entry and return). The buffer's statistics say how
/// many events it dropped, not which: a call seen by one half only is one dropped event, and the
/// rest of the dropped events are calls dropped whole, two events each. So
/// `lost = broken + (dropped - broken) / 2`, exact when every event the main instance recorded
/// belongs to a call the trace selected (the kernel filtered by thread and kind, nothing more
/// was asked), and when no call was still open at the end with its return in doubt.
/// Otherwise the number is a bound: each lost call cost at least one dropped event.
public struct LostCalls: Sendable, Equatable {
  /// The calls lost, or at most this many when not `exact`.
  public var count: UInt64
  public var exact: Bool

  public init(count: UInt64, exact: Bool) {
    self.count = count
    self.exact = exact
  }

  /// From what the trace saw: `dropped` events of the main instance, `broken` calls seen by one
  /// half, `open` calls entered and never seen to return (their thread still lives: maybe in
  /// the call still, maybe its return was dropped), `sideDropped` events of the side instance,
  /// which lose calls only if `sideHoldsCalls` (the selection has ctl or queue system calls).
  /// `selectionIsKernels`: the kernel recorded only calls the trace selected.
  static func resolve(
    dropped: UInt64, broken: UInt64, open: UInt64, sideDropped: UInt64, sideHoldsCalls: Bool,
    selectionIsKernels: Bool
  ) -> LostCalls {
    let sideLost = sideHoldsCalls ? sideDropped : 0
    guard dropped >= broken else {
      // More broken calls than dropped events: something else broke them; say what is sure.
      return LostCalls(count: broken + sideLost, exact: false)
    }
    let whole = dropped - broken
    // An open call's return was dropped or is still to come: with one open, parity tells.
    if open == 0 && whole % 2 == 0 || open == 1 {
      let openLost = open == 1 ? whole % 2 : 0
      let count = broken + openLost + (whole - openLost) / 2
      return LostCalls(count: count + sideLost, exact: selectionIsKernels && sideLost == 0)
    }
    return LostCalls(count: dropped + sideLost, exact: false)
  }
}
