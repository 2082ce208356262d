/// What the sum of the first N terms of 1/(2k+1)^2 must be, without summing them, and how far
/// a run's floating-point sum may honestly stray from it.
///
/// sum over k < N of 1/(2k+1)^2 = pi^2/8 - psi1(N + 1/2)/4, psi1 being the trigamma function,
/// whose asymptotic series converges fast for large arguments; small N are summed directly.
public enum PiSeries {
  /// Below this many terms the sum is made term by term (cheap, and the asymptotic series
  /// needs a large argument).
  static let directLimit = 64

  /// The sum of the first `terms` terms, to within a few units in the last place.
  public static func expectedSum(terms: Int) -> Double {
    if terms <= directLimit {
      var sum = ExactSum()
      for k in 0..<terms { sum.add(term(k)) }
      return sum.value
    }
    let piSquaredOver8 = 1.233_700_550_136_169_827_354_311_374_984_519_5
    return piSquaredOver8 - trigamma(Double(terms) + 0.5) / 4
  }

  /// psi1(x) for x >= 64: 1/x + 1/(2x^2) + sum of B(2j)/x^(2j+1), Bernoulli numbers B2..B10.
  /// At x >= 64 the first term left out is below 1e-22 of the sum.
  static func trigamma(_ x: Double) -> Double {
    let inverse = 1 / x
    let square = inverse * inverse
    // Horner form of 1/6 - 1/30 x^-2 + 1/42 x^-4 - 1/30 x^-6 + 5/66 x^-8.
    let tail = 1.0 / 6 + square * (-1.0 / 30 + square * (1.0 / 42 + square * (-1.0 / 30 + square * 5.0 / 66)))
    return inverse + square / 2 + inverse * square * tail
  }

  /// The terms of `range`, added left to right: the workers' whole computation. A function of
  /// its own, so that the loop is compiled for itself (unrolled by two, as a standalone loop
  /// is) rather than inside whatever calls it.
  @inline(never)
  static func sum(of range: Range<Int>) -> Double {
    var sum = 0.0
    for k in range { sum += term(k) }
    return sum
  }

  /// One term, as every worker computes it: one multiplication and one division.
  @inline(__always)
  static func term(_ k: Int) -> Double {
    // k < 2^50 (the largest --terms), so 2k+1 cannot overflow: no trap needed.
    let odd = Double(2 &* k &+ 1)
    return 1 / (odd * odd)
  }

  /// The largest difference a correct run may show from `expectedSum`: each slice is summed
  /// left to right, which may err by gamma(L-1) = (L-1)u/(1-(L-1)u) of the sum for L terms (the
  /// standard bound for recursive summation of positive terms, Higham, Accuracy and Stability
  /// of Numerical Algorithms, 4.2); each term carries two roundings (2u); the slices are then
  /// added exactly and rounded once (u); and the closed form is good to a few u (4u). A lost,
  /// doubled or wrong slice moves the sum by at least its smallest slice, far more than this
  /// for any sensible plan.
  public static func tolerance(terms: Int, longestSlice: Int) -> Double {
    let u = Double.ulpOfOne / 2
    let n = Double(max(longestSlice - 1, 0))
    let gamma = n * u / (1 - n * u)
    return (gamma + 7 * u) * expectedSum(terms: terms)
  }
}
