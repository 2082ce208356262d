import Glibc

/// System V shared memory holding the accumulator, guarded by a System V semaphore taken with
/// SEM_UNDO, so a worker that dies holding the lock gives it back.
final class SysVSharedMemoryTransport: PiTransport {
  private var segment: CInt = -1
  private var semaphores: CInt = -1
  private var accumulator: UnsafeMutablePointer<SharedAccumulator>?
  /// The ids stay known after removal, so `leftovers` can ask the kernel about them.
  private var removed = false
  let objectsCreated = 2
  let outlivesProcesses = true

  init(paths: IPCPaths) throws(PiError) {
    let mine: IPCPermissions = [.ownerRead, .ownerWrite]
    do {
      segment = try PiRunKeys.creating { key throws(IPCError) in
        try SysVSharedMemory.create(
          key: key, size: UInt64(SharedAccumulator.size), permissions: mine, paths: paths)
      }
    } catch {
      throw .setup(error.asPiSetup)
    }
    do {
      accumulator = try SysVSharedMemory.attach(segment)
        .bindMemory(to: SharedAccumulator.self, capacity: 1)
    } catch {
      remove()
      throw setupFailure(error, "sysv-shm:\(segment)")
    }
    do {
      semaphores = try PiRunKeys.creating { key throws(IPCError) in
        // Two: the lock, and one that only carries the run's mark (see PiRunKeys).
        try SysVSemaphoreSet.create(key: key, count: 2, value: 1, permissions: mine, paths: paths)
      }
    } catch {
      remove()
      throw .setup(error.asPiSetup)
    }
  }

  func workerStarted(_ worker: Int) {}

  func send(slice: Int, sum: Double) -> Bool {
    guard let accumulator, case .success = SysVSemaphoreSet.operate(semaphores, change: -1, undo: true)
    else { return false }
    accumulator.pointee.sum.add(sum)
    accumulator.pointee.slices += 1
    return (try? SysVSemaphoreSet.operate(semaphores, change: 1, undo: true).get()) != nil
  }

  /// Every worker is attached by now: mark the segment, it goes with the last detach.
  func workersStarted() {
    if segment >= 0 { _ = SysVSharedMemory.removal(segment) }
  }

  func collect(_ plan: PiPlan, _ workers: PiWorkers) throws(PiError) -> Double {
    try SharedAccumulator.collect(accumulator, plan, workers, mechanism: .sysvSharedMemory)
  }

  func remove() {
    if let accumulator { SysVSharedMemory.detach(accumulator) }
    accumulator = nil
    guard !removed else { return }
    if segment >= 0 { _ = SysVSharedMemory.removal(segment) }
    if semaphores >= 0 { _ = SysVSemaphoreSet.removal(semaphores) }
    removed = true
  }

  func leftovers() -> Int {
    let segmentLeft = segment >= 0 && !gone(segment)
    let setLeft = semaphores >= 0 && (try? SysVSemaphoreSet.status(semaphores)) != nil
    return (segmentLeft ? 1 : 0) + (setLeft ? 1 : 0)
  }

  /// Whether the segment is gone, waiting up to a second for it. It is marked for removal and
  /// every process of the run has been reaped, but a process's memory (and with it its
  /// attachment) is torn down only when the last reference to it goes, and a reader of
  /// /proc/PID/maps (any `ipctool list --users` or clean running meanwhile) holds one while it
  /// reads: the kernel frees the segment a moment later. One still there after a second is left.
  private func gone(_ id: CInt) -> Bool {
    for _ in 0..<1000 {
      guard (try? SysVSharedMemory.status(id)) != nil else { return true }
      SystemConfiguration.sleep(microseconds: 1000)
    }
    return false
  }
}
