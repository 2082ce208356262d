import CIPCShims
import Glibc

/// System V shared memory holding the accumulator, guarded by a System V semaphore taken with
/// SEM_UNDO, so a worker that dies holding the lock gives it back.
final class SysVSharedMemoryTransport: PiTransport {
  private var segment: CInt = -1
  private var semaphores: CInt = -1
  private var accumulator: UnsafeMutablePointer<SharedAccumulator>?
  let objectsCreated = 2

  init() throws(PiError) {
    segment = shmget(IPC_PRIVATE, SharedAccumulator.size, IPC_CREAT | 0o600)
    guard segment >= 0 else {
      throw setupFailure(SystemError(call: "shmget", code: errno), "sysv-shm",
        hint: errno == ENOSPC ? .limit("kernel.shmmni or kernel.shmall") : nil)
    }
    guard let address = shmat(segment, nil, 0), address != UnsafeMutableRawPointer(bitPattern: -1)
    else {
      let code = errno
      remove()
      throw setupFailure(SystemError(call: "shmat", code: code), "sysv-shm:\(segment)")
    }
    accumulator = address.bindMemory(to: SharedAccumulator.self, capacity: 1)
    semaphores = semget(IPC_PRIVATE, 1, IPC_CREAT | 0o600)
    guard semaphores >= 0, ipcshim_semctl_setval(semaphores, 0, 1) == 0 else {
      let code = errno
      remove()
      throw setupFailure(SystemError(call: "semget", code: code), "sysv-sem",
        hint: code == ENOSPC ? .limit("kernel.sem (SEMMNI, SEMMNS)") : nil)
    }
  }

  func workerStarted(_ worker: Int) {}

  func send(slice: Int, sum: Double) -> Bool {
    guard let accumulator, operate(-1) else { return false }
    accumulator.pointee.sum += sum
    accumulator.pointee.slices += 1
    return operate(1)
  }

  private func operate(_ change: Int16) -> Bool {
    var operation = sembuf(sem_num: 0, sem_op: change, sem_flg: Int16(SEM_UNDO))
    while semop(semaphores, &operation, 1) != 0 {
      if errno != EINTR { return false }
    }
    return true
  }

  /// Every worker is attached by now: mark the segment, it goes with the last detach.
  func workersStarted() {
    if segment >= 0 { _ = shmctl(segment, IPC_RMID, nil) }
  }

  func collect(_ plan: PiPlan, _ workers: PiWorkers) throws(PiError) -> Double {
    try SharedAccumulator.collect(accumulator, plan, workers, mechanism: .sysvSharedMemory)
  }

  func remove() {
    if let accumulator { _ = shmdt(accumulator) }
    accumulator = nil
    if segment >= 0 { _ = shmctl(segment, IPC_RMID, nil) }
    if semaphores >= 0 { _ = ipcshim_semctl_command(semaphores, 0, IPC_RMID) }
  }

  func leftovers() -> Int {
    var segmentInfo = shmid_ds()
    var setInfo = semid_ds()
    let segmentLeft = segment >= 0 && shmctl(segment, IPC_STAT, &segmentInfo) == 0 ? 1 : 0
    let setLeft = semaphores >= 0 && ipcshim_semctl_stat(semaphores, IPC_STAT, &setInfo) >= 0 ? 1 : 0
    return segmentLeft + setLeft
  }
}
