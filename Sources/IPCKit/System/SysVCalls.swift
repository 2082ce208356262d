import CIPCShims
import Glibc

/// The System V IPC calls, each wrapped once; the families (`SysVMessageQueue`,
/// `SysVSharedMemory`, `SysVSemaphoreSet`) and pi call these. Non-throwing: several also run
/// in forked workers.
enum SysVCalls {
  // MARK: Message queues

  /// The id of the queue with `key` (IPC_PRIVATE: a new one), as `flags` ask.
  ///
  /// The corresponding C call is `msgget(2)`.
  static func msgget(_ key: key_t, _ flags: CInt) -> Result<Int32, Errno> {
    valueOrErrno { Glibc.msgget(key, flags) }
  }

  /// A control command (IPC_STAT, MSG_STAT_ANY, IPC_RMID) on a queue; for the STAT commands,
  /// the id the slot holds.
  ///
  /// The corresponding C call is `msgctl(2)`.
  static func msgctl(_ id: Int32, _ command: CInt, _ record: inout msqid_ds)
    -> Result<Int32, Errno>
  {
    valueOrErrno { Glibc.msgctl(id, command, &record) }
  }

  /// Sends `size` bytes of payload; `message` starts with the message type (a C long).
  ///
  /// The corresponding C call is `msgsnd(2)`.
  static func msgsnd(_ id: Int32, _ message: UnsafeRawPointer, size: Int, flags: CInt = 0)
    -> Result<Void, Errno>
  {
    valueOrErrno { Glibc.msgsnd(id, message, size, flags) }.map { _ in () }
  }

  /// Takes a message of `type` (0: the next one) into `message`; the payload's size. EINTR is
  /// returned, not retried: the caller has work to do then.
  ///
  /// The corresponding C call is `msgrcv(2)`.
  static func msgrcv(
    _ id: Int32, into message: UnsafeMutableRawPointer, size: Int, type: Int = 0, flags: CInt = 0
  ) -> Result<Int, Errno> {
    let count = Glibc.msgrcv(id, message, size, type, flags)
    return count >= 0 ? .success(count) : .failure(.current)
  }

  /// The highest queue slot in use; -1 when none is.
  ///
  /// The corresponding C call is `msgctl(2)` with MSG_INFO (in CIPCShims).
  static func highestQueueSlot() -> CInt { ipcshim_msg_highest_slot() }

  // MARK: Shared memory

  /// The id of the segment with `key` (IPC_PRIVATE: a new one of `size` bytes).
  ///
  /// The corresponding C call is `shmget(2)`.
  static func shmget(_ key: key_t, size: Int, _ flags: CInt) -> Result<Int32, Errno> {
    valueOrErrno { Glibc.shmget(key, size, flags) }
  }

  /// A control command (SHM_STAT_ANY, IPC_RMID) on a segment; for the STAT commands, the id
  /// the slot holds.
  ///
  /// The corresponding C call is `shmctl(2)`.
  static func shmctl(_ id: Int32, _ command: CInt, _ record: inout shmid_ds)
    -> Result<Int32, Errno>
  {
    valueOrErrno { Glibc.shmctl(id, command, &record) }
  }

  /// Maps the segment into this process.
  ///
  /// The corresponding C call is `shmat(2)`.
  static func shmat(_ id: Int32, readOnly: Bool) -> Result<UnsafeMutableRawPointer, Errno> {
    guard let address = Glibc.shmat(id, nil, readOnly ? SHM_RDONLY : 0),
      address != UnsafeMutableRawPointer(bitPattern: -1)
    else { return .failure(.current) }
    return .success(address)
  }

  /// Never retried (a second shmdt could detach what was mapped there since).
  ///
  /// The corresponding C call is `shmdt(2)`.
  static func shmdt(_ address: UnsafeMutableRawPointer) {
    _ = Glibc.shmdt(address)
  }

  /// The highest segment slot in use; -1 when none is.
  ///
  /// The corresponding C call is `shmctl(2)` with SHM_INFO (in CIPCShims).
  static func highestSegmentSlot() -> CInt { ipcshim_shm_highest_slot() }

  // MARK: Semaphore sets

  /// The id of the set with `key` (IPC_PRIVATE: a new one of `count` semaphores).
  ///
  /// The corresponding C call is `semget(2)`.
  static func semget(_ key: key_t, count: Int32, _ flags: CInt) -> Result<Int32, Errno> {
    valueOrErrno { Glibc.semget(key, count, flags) }
  }

  /// A command without an argument (GETNCNT, GETZCNT, GETPID, IPC_RMID) on semaphore `index`.
  ///
  /// The corresponding C call is `semctl(2)` (in CIPCShims: it is variadic).
  static func semctl(_ id: Int32, _ index: CInt, _ command: CInt) -> Result<CInt, Errno> {
    valueOrErrno { ipcshim_semctl_command(id, index, command) }
  }

  /// A STAT command (SEM_STAT_ANY): the set's record, and the id the slot holds.
  static func semctl(_ id: Int32, stat command: CInt, _ record: inout semid_ds)
    -> Result<Int32, Errno>
  {
    valueOrErrno { ipcshim_semctl_stat(id, command, &record) }
  }

  /// GETALL: every semaphore's value.
  static func semctl(_ id: Int32, getAll values: inout [UInt16]) -> Result<Void, Errno> {
    valueOrErrno { ipcshim_semctl_getall(id, &values) }.map { _ in () }
  }

  /// SETALL: every semaphore's value.
  static func semctl(_ id: Int32, setAll values: inout [UInt16]) -> Result<Void, Errno> {
    valueOrErrno { ipcshim_semctl_setall(id, &values) }.map { _ in () }
  }

  /// One operation on one semaphore, waiting as it says.
  ///
  /// The corresponding C call is `semop(2)`.
  static func semop(_ id: Int32, _ operation: sembuf) -> Result<Void, Errno> {
    var operation = operation
    return valueOrErrno { Glibc.semop(id, &operation, 1) }.map { _ in () }
  }

  /// The highest semaphore set slot in use; -1 when none is.
  ///
  /// The corresponding C call is `semctl(2)` with SEM_INFO (in CIPCShims).
  static func highestSemaphoreSlot() -> CInt { ipcshim_sem_highest_slot() }
}
