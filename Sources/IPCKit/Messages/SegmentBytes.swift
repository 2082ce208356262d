/// The bytes of a shared memory segment, read through a read-only mapping (a POSIX segment's
/// file mapped PROT_READ, a System V segment attached SHM_RDONLY): what `ipctool dump` shows.
public enum SegmentBytes {
  /// `length` bytes from `offset` (nil: to the end) of the segment `object` is.
  public static func read(
    _ object: IPCObjectInfo, context: IPCContext, offset: Int, length: Int?
  ) throws(DumpError) -> [UInt8] {
    switch object.identity {
    case .named(let name) where object.kind == .posixSharedMemory:
      return try PosixSharedMemory.readBytes(
        name, in: Inventory(context: context), offset: offset, length: length)
    case .sysv(let id, _) where object.kind == .sysvSharedMemory:
      return try SysVSharedMemory.readBytes(id, offset: offset, length: length)
    default:
      throw .notASegment(object.kind)
    }
  }

  /// The range asked for within `size` bytes, or the error naming the size.
  static func range(offset: Int, length: Int?, size: Int) throws(DumpError) -> Range<Int> {
    guard offset <= size, length.map({ $0 <= size - offset }) ?? true else {
      throw .beyondSize(size: size)
    }
    return offset..<(length.map { offset + $0 } ?? size)
  }
}

/// Why a dump did not happen. Values: the command line puts them in words.
public enum DumpError: Error, Sendable, Equatable {
  /// The range asked for ends past the segment's size.
  case beyondSize(size: Int)
  case notASegment(IPCKind)
  case system(SystemError)
}
