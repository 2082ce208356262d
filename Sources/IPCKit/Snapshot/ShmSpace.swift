/// The size and use of a /dev/shm, measured through its verified descriptor (never a path the
/// namespace controls).
public struct ShmSpace: Sendable, Equatable {
  public var size: UInt64
  public var used: UInt64

  init?(_ handle: ShmHandle) {
    guard let space = handle.space() else { return nil }
    let unit = UInt64(space.f_frsize)
    size = UInt64(space.f_blocks) * unit
    used = UInt64(space.f_blocks - space.f_bfree) * unit
  }
}
