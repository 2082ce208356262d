/// The shared-memory mechanisms' accumulator: the exact sum so far (so the order workers take
/// the lock in changes no bit) and how many slices it holds.
struct SharedAccumulator {
  var sum: ExactSum
  var slices: Int64

  static let size = MemoryLayout<SharedAccumulator>.size
}

extension SharedAccumulator {
  /// Waits for every worker, then reads the sum, checking that each slice was added once.
  static func collect(
    _ pointer: UnsafeMutablePointer<SharedAccumulator>?, _ plan: PiPlan, _ workers: PiWorkers,
    mechanism: PiMechanism
  ) throws(PiError) -> Double {
    try workers.waitAll()
    let result = pointer?.pointee ?? SharedAccumulator(sum: ExactSum(), slices: 0)
    guard result.slices == plan.slices else {
      throw .incomplete(
        mechanism: mechanism.rawValue, received: Int(result.slices), expected: plan.slices)
    }
    return result.sum.value
  }
}
