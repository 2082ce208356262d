/// The clock a watch measures its intervals by: seconds since an arbitrary moment, never set
/// back (CLOCK_MONOTONIC), with fractions, since a rate over "2 s" read from whole wall-clock
/// seconds could be off by half. A test gives one that says what it is told.
public struct WatchClock: Sendable {
  private let read: @Sendable () -> Double

  public init(_ read: @escaping @Sendable () -> Double) { self.read = read }

  public var now: Double { read() }

  public static let monotonic = WatchClock { Clock.monotonicSeconds() }
}
