import Glibc

/// Posting and waiting for `ipctool post` and `wait`, each call wrapped once. The waits return
/// EINTR instead of retrying it: the caller then decides whether a stop signal or its deadline
/// has come (`waiting`).
enum SemaphoreStepCalls {
  /// The corresponding C call is `sem_wait(3)`, or `sem_trywait(3)` when `nonblocking`.
  static func wait(_ semaphore: UnsafeMutablePointer<sem_t>, nonblocking: Bool) -> Result<Void, Errno> {
    (nonblocking ? sem_trywait(semaphore) : sem_wait(semaphore)) == 0
      ? .success(()) : .failure(.current)
  }

  /// The corresponding C call is `sem_post(3)`.
  static func post(_ semaphore: UnsafeMutablePointer<sem_t>) -> Result<Void, Errno> {
    valueOrErrno { sem_post(semaphore) }.map { _ in () }
  }

  /// The corresponding C call is `sem_getvalue(3)`.
  static func value(_ semaphore: UnsafeMutablePointer<sem_t>) -> Int {
    var value: CInt = 0
    _ = sem_getvalue(semaphore, &value)
    return Int(value)
  }

  /// One operation on one semaphore of a set.
  ///
  /// The corresponding C call is `semop(2)`.
  static func semop(_ id: Int32, _ operation: sembuf) -> Result<Void, Errno> {
    var operation = operation
    return Glibc.semop(id, &operation, 1) == 0 ? .success(()) : .failure(.current)
  }
}
