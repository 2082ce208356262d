import Glibc

/// Reading a segment's bytes for `ipctool dump`.
extension SysVSharedMemory {
  /// Attaches the segment read-only (SHM_RDONLY), copies the range, detaches.
  static func readBytes(_ id: Int32, offset: Int, length: Int?) throws(DumpError) -> [UInt8] {
    var record = shmid_ds()
    if case .failure(let code) = SysVCalls.shmctl(id, IPC_STAT, &record) {
      throw .system(SystemError(call: "shmctl", subject: "shmid \(id)", code: code))
    }
    let range = try SegmentBytes.range(offset: offset, length: length, size: Int(record.shm_segsz))
    guard !range.isEmpty else { return [] }
    let address: UnsafeMutableRawPointer
    switch SysVCalls.shmat(id, readOnly: true) {
    case .success(let attached): address = attached
    case .failure(let code): throw .system(SystemError(call: "shmat", subject: "shmid \(id)", code: code))
    }
    defer { SysVCalls.shmdt(address) }
    return Array(UnsafeRawBufferPointer(start: address + range.lowerBound, count: range.count))
  }
}
