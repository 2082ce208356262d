import Glibc

/// POSIX shared memory holding the accumulator, guarded by a POSIX named semaphore, as the
/// classic program does. Both are made whole before their names appear (so a full /dev/shm
/// fails at setup, never with SIGBUS), and both names are unlinked once every worker has them
/// mapped.
final class PosixSharedMemoryTransport: PiTransport {
  private let segmentName = piObjectName("shm")
  private let semaphoreName = piObjectName("sem")
  private let directory: String
  private var accumulator: UnsafeMutablePointer<SharedAccumulator>?
  private var lock: UnsafeMutablePointer<sem_t>?
  /// Which names this run made and has not unlinked: only those are ever unlinked (a name that
  /// existed already is someone else's).
  private var segmentNamed = false
  private var semaphoreNamed = false
  let objectsCreated = 2
  let outlivesProcesses = true

  init(paths: IPCPaths) throws(PiError) {
    directory = paths.shm
    let mine: IPCPermissions = [.ownerRead, .ownerWrite]
    do {
      try PosixSharedMemory.create(
        segmentName, size: UInt64(SharedAccumulator.size), permissions: mine, in: directory)
      segmentNamed = true
      try PosixSemaphore.create(semaphoreName, value: 1, permissions: mine, in: directory)
      semaphoreNamed = true
    } catch {
      remove()
      throw .setup(error.asPiSetup)
    }
    do {
      accumulator = try SharedMapping.map(segmentName, size: SharedAccumulator.size, in: directory)
        .bindMemory(to: SharedAccumulator.self, capacity: 1)
      lock = try SharedMapping.map(
        semaphoreName, prefix: PosixSemaphore.filePrefix, size: MemoryLayout<sem_t>.size,
        in: directory
      ).bindMemory(to: sem_t.self, capacity: 1)
    } catch {
      remove()
      throw setupFailure(error, "posix-shm:\(segmentName)")
    }
  }

  func workerStarted(_ worker: Int) {}

  func send(slice: Int, sum: Double) -> Bool {
    guard let lock, let accumulator, case .success = PosixSemaphore.wait(lock) else { return false }
    accumulator.pointee.sum.add(sum)
    accumulator.pointee.slices += 1
    return (try? PosixSemaphore.post(lock).get()) != nil
  }

  func workersStarted() { unlinkNames() }

  func collect(_ plan: PiPlan, _ workers: PiWorkers) throws(PiError) -> Double {
    try SharedAccumulator.collect(accumulator, plan, workers, mechanism: .posixSharedMemory)
  }

  private func unlinkNames() {
    if segmentNamed { _ = SharedMapping.unlinking(segmentName, in: directory) }
    if semaphoreNamed {
      _ = SharedMapping.unlinking(semaphoreName, prefix: PosixSemaphore.filePrefix, in: directory)
    }
    segmentNamed = false
    semaphoreNamed = false
  }

  func remove() {
    unlinkNames()
    if let accumulator { SharedMapping.unmap(accumulator, size: SharedAccumulator.size) }
    if let lock { SharedMapping.unmap(lock, size: MemoryLayout<sem_t>.size) }
    accumulator = nil
    lock = nil
  }

  func leftovers() -> Int {
    let segment = SharedMapping.exists(segmentName, in: directory)
    let semaphore = SharedMapping.exists(semaphoreName, prefix: PosixSemaphore.filePrefix, in: directory)
    return (segment ? 1 : 0) + (semaphore ? 1 : 0)
  }
}
