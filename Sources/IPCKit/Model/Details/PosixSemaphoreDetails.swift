/// A POSIX named semaphore.
public struct PosixSemaphoreDetails: Sendable, Equatable {
  /// Nil where the file could not be read.
  public var value: UInt32?
  /// The file's modification time.
  public var modified: Int?

  public init(value: UInt32?, modified: Int? = nil) {
    self.value = value
    self.modified = modified
  }
}
