/// A POSIX shared memory file.
public struct PosixSegmentDetails: Sendable, Equatable {
  public var size: UInt64
  /// Bytes backed by pages now (st_blocks).
  public var residentBytes: UInt64

  public init(size: UInt64, residentBytes: UInt64) {
    self.size = size
    self.residentBytes = residentBytes
  }
}
