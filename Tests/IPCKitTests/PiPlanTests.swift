import Testing

@testable import IPCKit

@Suite struct PiPlanTests {
  @Test(arguments: [(10, 3, 2), (7, 10, 3), (1_000_003, 7, 4), (1, 1, 1)])
  func slicesCoverEveryTermOnce(terms: Int, slices: Int, workers: Int) {
    let plan = PiPlan(terms: terms, slices: slices, workers: workers)
    let covered = (0..<slices).flatMap { Array(plan.range(of: $0)) }
    #expect(covered == Array(0..<terms))
    let assigned = (0..<workers).flatMap { Array(plan.slices(for: $0)) }.sorted()
    #expect(assigned == Array(0..<slices))
  }

  @Test func theLastSliceTakesTheRemainder() {
    let plan = PiPlan(terms: 10, slices: 3, workers: 1)
    #expect(plan.range(of: 0) == 0..<3 && plan.range(of: 2) == 6..<10)
    #expect(PiPlan(terms: 2, slices: 5, workers: 1).range(of: 4) == 0..<2)
  }

  @Test func tenMillionTermsGiveTheKnownDigits() {
    let plan = PiPlan(terms: 10_000_000, slices: 10, workers: 10)
    let pi = PiPlan.pi(fromSum: plan.referenceSum())
    #expect(abs(pi - 3.14159262176) < 5e-12)
  }

  @Test func mechanismFamilies() {
    #expect(PiMechanism.named("posix") == [.posixQueue, .posixSharedMemory])
    #expect(PiMechanism.named("sysv") == [.sysvQueue, .sysvSharedMemory])
    #expect(PiMechanism.named("all")?.count == 6)
    #expect(PiMechanism.named("tcp") == nil)
  }
}
