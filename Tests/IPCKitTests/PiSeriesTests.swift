import Testing

@testable import IPCKit

/// The closed form every run is checked against, and the exact sum that makes mechanisms agree.
@Suite struct PiSeriesTests {
  @Test func anExactSumRoundsOnceAndIgnoresOrder() {
    // Left to right, 1 + 2^-53 rounds back to 1 twice; exactly, the sum is 1 + 2^-52.
    let tiny = 0x1p-53
    var sum = ExactSum()
    for value in [1.0, tiny, tiny] { sum.add(value) }
    #expect(sum.value == 1 + 0x1p-52)
    #expect((1.0 + tiny) + tiny == 1.0)
    var generator = SystemRandomNumberGenerator()
    let values = (0..<2000).map { _ in Double.random(in: 0x1p-100...2, using: &generator) }
    var forward = ExactSum()
    var shuffled = ExactSum()
    values.forEach { forward.add($0) }
    values.shuffled().forEach { shuffled.add($0) }
    #expect(forward == shuffled && forward.value == shuffled.value)
    #expect(abs(forward.value - values.reduce(0, +)) <= 1e-12 * forward.value)
  }

  @Test(arguments: [1, 2, 63, 64, 65, 1000, 123_457, 10_000_000])
  func theClosedFormAgreesWithTheSumWithinTheBound(terms: Int) {
    let slices = min(terms, 10)
    let plan = PiPlan(terms: terms, slices: slices, workers: 1)
    let bound = PiSeries.tolerance(terms: terms, longestSlice: plan.longestSlice)
    #expect(abs(plan.referenceSum() - PiSeries.expectedSum(terms: terms)) <= bound)
  }

  @Test func aLostOrDoubledSliceIsCaught() {
    let plan = PiPlan(terms: 10_000_000, slices: 10, workers: 10)
    let bound = PiSeries.tolerance(terms: plan.terms, longestSlice: plan.longestSlice)
    let expected = PiSeries.expectedSum(terms: plan.terms)
    let last = plan.partialSum(plan.slices - 1)
    #expect(abs(plan.referenceSum() - last - expected) > bound)
    #expect(abs(plan.referenceSum() + last - expected) > bound)
  }

  @Test func tenMillionTermsGiveTheKnownDigits() {
    #expect(abs(PiPlan.pi(fromSum: PiSeries.expectedSum(terms: 10_000_000)) - 3.14159262176) < 5e-12)
  }
}
