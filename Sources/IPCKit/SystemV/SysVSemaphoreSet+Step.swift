import Glibc

/// Posting and waiting on one semaphore of a set for `ipctool post` and `wait`.
extension SysVSemaphoreSet {
  static func step(_ step: SemaphoreStep, _ id: Int32, index: Int, wait: MessageWait)
    throws(SemaphoreError) -> (before: Int, after: Int)
  {
    let subject = "semid \(id)"
    func value() throws(SemaphoreError) -> Int {
      switch SysVCalls.semctl(id, CInt(index), GETVAL) {
      case .success(let value): return Int(value)
      case .failure(let code): throw .system(SystemError(call: "semctl", subject: subject, code: code))
      }
    }
    let before = try value()
    let flags = wait == .nonblock ? Int16(IPC_NOWAIT) : 0
    let operation = sembuf(sem_num: UInt16(index), sem_op: step == .post ? 1 : -1, sem_flg: flags)
    let result = waiting(step == .post ? .nonblock : wait) { SemaphoreStepCalls.semop(id, operation) }
    if case .failure(let error) = result {
      throw SemaphoreError(error, call: "semop", subject: subject)
    }
    return (before, try value())
  }
}
