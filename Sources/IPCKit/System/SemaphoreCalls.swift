import Glibc

/// The POSIX semaphore calls on a `sem_t` in memory, each wrapped once. Non-throwing: wait and
/// post run in forked workers.
enum SemaphoreCalls {
  /// A semaphore shared between processes, laid out by glibc, with `value`.
  ///
  /// The corresponding C call is `sem_init(3)`.
  static func initialized(value: UInt32) throws(SystemError) -> sem_t {
    var semaphore = sem_t()
    try retryingOnInterrupt("sem_init") { sem_init(&semaphore, 1, value) }
    return semaphore
  }

  /// The value of a semaphore read into memory of our own; nil if it is not a valid one.
  ///
  /// The corresponding C call is `sem_getvalue(3)`.
  static func value(of semaphore: inout sem_t) -> CInt? {
    var value: CInt = 0
    return sem_getvalue(&semaphore, &value) == 0 ? value : nil
  }

  /// The corresponding C call is `sem_wait(3)`.
  static func wait(_ semaphore: UnsafeMutablePointer<sem_t>) -> Result<Void, Errno> {
    valueOrErrno { sem_wait(semaphore) }.map { _ in () }
  }

  /// The corresponding C call is `sem_post(3)`.
  static func post(_ semaphore: UnsafeMutablePointer<sem_t>) -> Result<Void, Errno> {
    valueOrErrno { sem_post(semaphore) }.map { _ in () }
  }
}
