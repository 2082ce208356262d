import Glibc

/// IPC_SET for `ipctool set`: each System V family's record read without the read-permission
/// check (*_STAT_ANY), changed, and written back in one call, so a refusal changes nothing.
enum SysVSettings {
  static func apply(_ settings: ObjectSettings, to id: Int32, kind: IPCKind) throws(SystemError) {
    switch kind {
    case .sysvQueue:
      var record = msqid_ds()
      try check(SysVCalls.msgctl(id, SysVMessageQueue.statAny, &record), "msgctl", "msqid", id)
      change(&record.msg_perm, settings)
      if let bytes = settings.queueBytes { record.msg_qbytes = msglen_t(bytes) }
      try check(SysVCalls.msgctl(id, IPC_SET, &record), "msgctl", "msqid", id, stat: false)
    case .sysvSharedMemory:
      var record = shmid_ds()
      try check(SysVCalls.shmctl(id, SysVSharedMemory.statAny, &record), "shmctl", "shmid", id)
      change(&record.shm_perm, settings)
      try check(SysVCalls.shmctl(id, IPC_SET, &record), "shmctl", "shmid", id, stat: false)
    case .sysvSemaphore:
      var record = semid_ds()
      try check(SysVCalls.semctl(id, stat: SysVSemaphoreSet.statAny, &record), "semctl", "semid", id)
      change(&record.sem_perm, settings)
      try check(SysVCalls.semctl(id, stat: IPC_SET, &record), "semctl", "semid", id, stat: false)
    default:
      preconditionFailure("not a System V kind")
    }
  }

  private static func change(_ permissions: inout ipc_perm, _ settings: ObjectSettings) {
    if let mode = settings.permissions {
      permissions.mode = (permissions.mode & ~0o777) | UInt32(mode.rawValue)
    }
    if let uid = settings.uid { permissions.uid = uid }
    if let gid = settings.gid { permissions.gid = gid }
  }

  /// A STAT_ANY call answers with the id of the object in the slot: another object than `id`,
  /// or EINVAL from the read, means ours is gone (told as EIDRM: IPC_SET's own EINVAL means a
  /// uid or gid this namespace cannot hold).
  private static func check(_ result: Result<Int32, Errno>, _ call: String, _ idName: String, _ id: Int32,
    stat: Bool = true
  ) throws(SystemError)
  {
    switch result {
    case .success(let answer) where stat && answer != id:
      throw SystemError(call: call, subject: "\(idName) \(id)", code: .identifierRemoved)
    case .success: return
    case .failure(let code):
      let gone = stat && code == .invalidArgument
      throw SystemError(call: call, subject: "\(idName) \(id)", code: gone ? .identifierRemoved : code)
    }
  }
}
