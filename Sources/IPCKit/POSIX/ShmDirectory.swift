import CIPCShims
import Glibc

/// The files of /dev/shm read as POSIX segments and semaphores, on all cores.
///
/// Names stay in one block of NUL-terminated bytes and are sorted there: a listing of tens of
/// thousands of files makes no String per file until it builds that object's record.
struct ShmDirectory: ~Copyable {
  let handle: ShmHandle
  private let names: Names

  /// The names, and where each starts in `bytes`: two lists, each in byte order (as `ls`
  /// sorts in the C locale).
  private struct Names {
    var bytes: [CChar] = []
    var segments: [Int] = []
    var semaphores: [Int] = []
  }

  /// `namePrefix` (bytes, with the slash) keeps only the names that start with it, before any
  /// file is stat'ed: completing "/s_12" in a directory of 100,000 files looks at a few.
  init(handle: ShmHandle, namePrefix: [UInt8]? = nil) throws(SystemError) {
    var names = try Self.readNames(handle, namePrefix: namePrefix)
    names.bytes.withUnsafeBufferPointer { block in
      let base = block.baseAddress!
      names.segments.sort { strcmp(base + $0, base + $1) < 0 }
      names.semaphores.sort { strcmp(base + $0, base + $1) < 0 }
    }
    self.handle = handle
    self.names = names
  }

  /// Regular files (or files of unknown type) only; "sem.NAME" is a semaphore.
  private static func readNames(_ handle: ShmHandle, namePrefix: [UInt8]?)
    throws(SystemError) -> Names
  {
    // The name after its slash, compared with the file name (after "sem." for a semaphore).
    let wanted = namePrefix.map { $0.first == UInt8(ascii: "/") ? Array($0.dropFirst()) : $0 }
    var names = Names()
    let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
    try FileCalls.forEachEntry(of: handle.descriptor, subject: handle.path) { entry in
      let type = entry.pointee.d_type
      let name = (UnsafeRawPointer(entry) + nameOffset).assumingMemoryBound(to: CChar.self)
      // Semaphores are opened to be read: only regular files, never a device node.
      guard type == DT_REG || (type == DT_UNKNOWN && handle.objectStatus(name) != nil)
      else { return }
      let length = strlen(name)
      let isSemaphore = PosixSemaphore.isSemaphoreFile(name, length: length)
      if let wanted {
        let skip = isSemaphore ? PosixSemaphore.filePrefix.utf8.count : 0
        let bytes = UnsafeRawBufferPointer(start: name + skip, count: length - skip)
        guard bytes.starts(with: wanted) else { return }
      }
      if isSemaphore {
        names.semaphores.append(names.bytes.count)
      } else {
        names.segments.append(names.bytes.count)
      }
      names.bytes.append(contentsOf: UnsafeBufferPointer(start: name, count: length + 1))
    }
    return names
  }

  /// The names read, without a stat of any file: segments, then semaphores, each in byte
  /// order.
  func names(_ kinds: Set<IPCKind>) -> [(kind: IPCKind, name: IPCName)] {
    let skip = PosixSemaphore.filePrefix.utf8.count
    return names.bytes.withUnsafeBytes { block in
      func name(_ offset: Int, dropping: Int) -> IPCName {
        let start = block.baseAddress! + offset + dropping
        return IPCName(fileNameBytes: UnsafeRawBufferPointer(start: start, count: strlen(start) ))
      }
      let segments = kinds.contains(.posixSharedMemory) ? names.segments : []
      let semaphores = kinds.contains(.posixSemaphore) ? names.semaphores : []
      return segments.map { (.posixSharedMemory, name($0, dropping: 0)) }
        + semaphores.map { (.posixSemaphore, name($0, dropping: skip)) }
    }
  }

  /// The segments and semaphores of the given kinds, read on all cores in chunks of
  /// consecutive names, each chunk handed to `part` on the thread that read it; the parts come
  /// back in name order, segments and semaphores apart. Whatever `part` does (render, or
  /// decide and unlink) happens while other files are still being read, and the records
  /// themselves are never gathered in one place.
  func mapChunks<Part>(
    _ kinds: Set<IPCKind>, withValues: Bool, _ part: @escaping ([IPCObjectInfo]) -> Part
  ) -> (segments: [Part], semaphores: [Part]) {
    let segmentOffsets = kinds.contains(.posixSharedMemory) ? names.segments : []
    let semaphoreOffsets = kinds.contains(.posixSemaphore) ? names.semaphores : []
    // Chunks never mix the two lists, so the parts split at a chunk boundary.
    let size = 256
    let segmentChunks = chunked(segmentOffsets.count, size: size)
    let chunks = segmentChunks
      + chunked(semaphoreOffsets.count, size: size).map {
        $0.lowerBound + segmentOffsets.count..<$0.upperBound + segmentOffsets.count
      }
    let offsets = segmentOffsets + semaphoreOffsets
    let handle = handle
    let parts = names.bytes.withUnsafeBufferPointer { block in
      let base = block.baseAddress!
      return inParallel(chunks: chunks, threads: usefulThreads(for: offsets.count)) { range in
        var found: [IPCObjectInfo] = []
        found.reserveCapacity(range.count)
        for index in range {
          let isSemaphore = index >= segmentOffsets.count
          if let object = Self.object(
            fileName: base + offsets[index], isSemaphore: isSemaphore, in: handle,
            withValue: withValues)
          {
            found.append(object)
          }
        }
        return part(found)
      }
    }
    return (Array(parts[..<segmentChunks.count]), Array(parts[segmentChunks.count...]))
  }

  /// The object behind one file name; nil if it is gone or not an object (not a regular
  /// file on the folder's own mount).
  ///
  /// A semaphore whose value is wanted is opened first and stat'ed through its descriptor, so
  /// the value read is the file's that was stat'ed. One the caller cannot open still shows
  /// what stat tells.
  static func object(
    fileName: UnsafePointer<CChar>, isSemaphore: Bool, in handle: ShmHandle, withValue: Bool
  ) -> IPCObjectInfo? {
    let bare = isSemaphore ? fileName + PosixSemaphore.filePrefix.utf8.count : fileName
    let name = { IPCName(fileNameBytes: UnsafeRawBufferPointer(start: bare, count: strlen(bare))) }
    if isSemaphore && withValue,
      let read = handle.withOpenedObject(fileName, { file, status in
        PosixSemaphore.info(name(), status: status, value: PosixSemaphore.readValue(file))
      })
    {
      return read
    }
    guard let status = handle.objectStatus(fileName) else { return nil }
    return isSemaphore
      ? PosixSemaphore.info(name(), status: status, value: nil)
      : PosixSharedMemory.info(name(), status: status)
  }
}
