import Glibc

/// The clocks, each read through one wrapper.
enum Clock {
  /// Seconds since an arbitrary moment, never set back (CLOCK_MONOTONIC).
  ///
  /// The corresponding C call is `clock_gettime(2)`.
  static func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
  }
}
