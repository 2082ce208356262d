/// A POSIX named semaphore.
public struct PosixSemaphoreDetails: Sendable, Equatable {
  /// Nil where the file could not be read.
  public var value: UInt32?

  public init(value: UInt32?) { self.value = value }
}
