/// The shared-memory mechanisms' accumulator: the sum so far and how many slices it holds.
struct SharedAccumulator {
  var sum: Double
  var slices: Int64

  static let size = MemoryLayout<SharedAccumulator>.size
}
