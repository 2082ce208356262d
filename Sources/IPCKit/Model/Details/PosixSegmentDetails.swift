/// A POSIX shared memory file.
public struct PosixSegmentDetails: Sendable, Equatable {
  public var size: UInt64
  /// Bytes backed by pages now (st_blocks).
  public var residentBytes: UInt64
  /// The file's modification time: the last write through write(2) or a truncate.
  public var modified: Int?

  public init(size: UInt64, residentBytes: UInt64, modified: Int? = nil) {
    self.size = size
    self.residentBytes = residentBytes
    self.modified = modified
  }
}
