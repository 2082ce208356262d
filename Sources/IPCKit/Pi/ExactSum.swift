/// A sum of doubles kept exactly, as a 256-bit fixed-point number with 192 fraction bits, so
/// the order the slices arrive in cannot change a bit of the result and memory does not grow
/// with their number.
///
/// Every double in [2^-139, 2^64) is a whole number of 2^-192 units, so adding it loses
/// nothing; the series' slice sums lie in (2^-104, 2) for any --terms up to 2^50. Smaller
/// values lose their bits below 2^-192 (they are below any rounding of the total anyway).
/// Plain words, no pointers: it lives in shared memory too.
public struct ExactSum: Equatable, Sendable {
  /// Little-endian 64-bit words; the value is words / 2^192.
  private var w0: UInt64 = 0
  private var w1: UInt64 = 0
  private var w2: UInt64 = 0
  private var w3: UInt64 = 0

  static let fractionBits = 192

  public init() {}

  /// Adds a finite, non-negative double (a slice's sum).
  public mutating func add(_ value: Double) {
    guard value > 0, value.isFinite else { return }
    // value = significand * 2^(exponent), significand a 53-bit integer.
    let significand = value.significandBitPattern | (value.isNormal ? 1 << 52 : 0)
    let exponent = Int(value.exponent) - 52
    var shift = exponent + Self.fractionBits  // the bit the significand's lowest bit lands on
    var bits = significand
    if shift < 0 {
      guard shift > -64 else { return }
      bits >>= UInt64(-shift)
      shift = 0
    }
    let word = shift / 64
    let offset = shift % 64
    let low = bits << UInt64(offset)
    let high = offset == 0 ? 0 : bits >> UInt64(64 - offset)
    addWord(low, at: word)
    if high != 0 { addWord(high, at: word + 1) }
  }

  /// Adds `value` at word `index`, carrying upward.
  private mutating func addWord(_ value: UInt64, at index: Int) {
    var carry = value
    var position = index
    while carry != 0 && position < 4 {
      var overflow = false
      switch position {
      case 0: (w0, overflow) = w0.addingReportingOverflow(carry)
      case 1: (w1, overflow) = w1.addingReportingOverflow(carry)
      case 2: (w2, overflow) = w2.addingReportingOverflow(carry)
      default: (w3, overflow) = w3.addingReportingOverflow(carry)
      }
      carry = overflow ? 1 : 0
      position += 1
    }
  }

  /// The sum, rounded once to the nearest double.
  public var value: Double {
    let words = [w0, w1, w2, w3]
    guard let top = words.lastIndex(where: { $0 != 0 }) else { return 0 }
    let lead = words[top].leadingZeroBitCount
    // The 64 bits below the leading one, then a sticky bit for anything under them, so that
    // converting the 64 bits rounds as the whole number would.
    let totalBits = top * 64 + (64 - lead)
    let lowest = max(totalBits - 64, 0)
    var chunk: UInt64 = 0
    var sticky = false
    for bit in stride(from: 0, to: 4 * 64, by: 64) {
      let word = words[bit / 64]
      guard word != 0 else { continue }
      if bit + 64 <= lowest {
        sticky = true
      } else if bit >= lowest {
        chunk |= word << UInt64(bit - lowest)
      } else {
        chunk |= word >> UInt64(lowest - bit)
        if word << UInt64(64 - (lowest - bit)) != 0 { sticky = true }
      }
    }
    if sticky { chunk |= 1 }
    return Double(sign: .plus, exponent: lowest - Self.fractionBits, significand: Double(chunk))
  }
}
