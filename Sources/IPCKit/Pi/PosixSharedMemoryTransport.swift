import Glibc

/// POSIX shared memory holding the accumulator, guarded by a POSIX named semaphore, as the
/// classic program does. Both names are unlinked once every worker has them mapped.
final class PosixSharedMemoryTransport: PiTransport {
  private let segmentName = piObjectName("shm")
  private let semaphoreName = piObjectName("sem")
  private var accumulator: UnsafeMutablePointer<SharedAccumulator>?
  private var lock: UnsafeMutablePointer<sem_t>?
  private var named = false
  let objectsCreated = 2

  init() throws(PiError) {
    let fd = shm_open(segmentName, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0o600)
    guard fd >= 0 else {
      throw setupFailure(SystemError(call: "shm_open", code: errno), "posix-shm:\(segmentName)")
    }
    named = true
    defer { close(fd) }
    guard ftruncate(fd, off_t(SharedAccumulator.size)) == 0,
      let mapped = mmap(nil, SharedAccumulator.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0),
      mapped != MAP_FAILED
    else {
      let code = errno
      remove()
      throw setupFailure(SystemError(call: "mmap", code: code), "posix-shm:\(segmentName)")
    }
    accumulator = mapped.bindMemory(to: SharedAccumulator.self, capacity: 1)
    accumulator?.pointee = SharedAccumulator(sum: 0, slices: 0)
    guard let semaphore = sem_open(semaphoreName, O_CREAT | O_EXCL, 0o600, 1),
      semaphore != SEM_FAILED
    else {
      let code = errno
      remove()
      throw setupFailure(SystemError(call: "sem_open", code: code), "posix-sem:\(semaphoreName)")
    }
    lock = semaphore
  }

  func workerStarted(_ worker: Int) {}

  func send(slice: Int, sum: Double) -> Bool {
    guard let lock, let accumulator else { return false }
    while sem_wait(lock) != 0 {
      if errno != EINTR { return false }
    }
    accumulator.pointee.sum += sum
    accumulator.pointee.slices += 1
    return sem_post(lock) == 0
  }

  func workersStarted() { unlinkNames() }

  func collect(_ plan: PiPlan, _ workers: PiWorkers) throws(PiError) -> Double {
    try SharedAccumulator.collect(accumulator, plan, workers, mechanism: .posixSharedMemory)
  }

  private func unlinkNames() {
    guard named else { return }
    shm_unlink(segmentName)
    sem_unlink(semaphoreName)
    named = false
  }

  func remove() {
    unlinkNames()
    if let accumulator { munmap(accumulator, SharedAccumulator.size) }
    if let lock { sem_close(lock) }
    accumulator = nil
    lock = nil
  }

  func leftovers() -> Int {
    var status = stat()
    let segment = stat("/dev/shm" + segmentName, &status) == 0 ? 1 : 0
    let semaphore = stat("/dev/shm/sem." + semaphoreName.dropFirst(), &status) == 0 ? 1 : 0
    return segment + semaphore
  }
}
