/// How `ipctool pi` cuts the series 1/(2k+1)^2 = pi^2/8 into work.
///
/// N terms are cut into S slices of N/S terms, the last slice taking the remainder (so N < S
/// leaves the first slices empty and drops nothing). Worker w computes slices w, w+W, w+2W...
public struct PiPlan: Sendable, Equatable {
  public var terms: Int
  public var slices: Int
  public var workers: Int

  public init(terms: Int, slices: Int, workers: Int) {
    self.terms = terms
    self.slices = slices
    self.workers = workers
  }

  /// The terms slice `index` sums.
  public func range(of index: Int) -> Range<Int> {
    let size = terms / slices
    let start = index * size
    return start..<(index == slices - 1 ? terms : start + size)
  }

  /// The slices worker `worker` computes.
  public func slices(for worker: Int) -> StrideTo<Int> {
    stride(from: worker, to: slices, by: workers)
  }

  /// The sum of one slice, in ascending k.
  public func partialSum(_ index: Int) -> Double { PiSeries.sum(of: range(of: index)) }

  /// The longest slice's length (the last, which takes the remainder).
  public var longestSlice: Int { range(of: slices - 1).count }

  /// pi from the series' sum.
  public static func pi(fromSum sum: Double) -> Double { (8 * sum).squareRoot() }

  /// What every mechanism must deliver: every slice, added exactly, rounded once. Costs a whole
  /// run in one process; the command checks runs against `PiSeries` instead.
  public func referenceSum() -> Double {
    var total = ExactSum()
    for slice in 0..<slices { total.add(partialSum(slice)) }
    return total.value
  }
}
