import Glibc

/// System V semaphore sets (`semget(2)`, `semctl(2)`).
enum SysVSemaphoreSet: SysVFamily {
  static let control = "semctl"
  static let idName = "semid"
  static let statAny: CInt = 20  // SEM_STAT_ANY

  /// Creates a set of `count` semaphores, each set to `value`, or nothing at all.
  static func create(
    key: Int32?, count: Int32, value: Int32, permissions: IPCPermissions, paths: IPCPaths
  ) throws(IPCError) -> Int32 {
    let subject = createSubject(.sysvSemaphore, key: key)
    func semSetting() -> [Substring]? {
      readTextFile(paths.proc + "/sys/kernel/sem")?.split(whereSeparator: \.isWhitespace)
    }
    let id: Int32
    do throws(SystemError) {
      id = try SysVCalls.semget(
        key ?? IPC_PRIVATE, count: count, IPC_CREAT | IPC_EXCL | CInt(permissions.rawValue)
      ).mapError { SystemError(call: "semget", code: $0) }.get()
    } catch {
      let hint: IPCError.Hint? =
        switch error.code {
        case .invalidArgument: .semaphoresPerSet(sem: semSetting())
        case .noSpace: .tooManySemaphores(sem: semSetting())
        default: keyTakenHint(.sysvSemaphore, error.code, id: SysVCalls.semget(key ?? IPC_PRIVATE, count: 0, 0))
        }
      throw IPCError(operation: "create", subject: subject, error, hint: hint)
    }
    guard value != 0 else { return id }
    do throws(SystemError) {
      guard let initial = UInt16(exactly: value) else {
        throw SystemError(call: "semctl", code: .resultOutOfRange)
      }
      var values = [UInt16](repeating: initial, count: Int(count))
      try SysVCalls.semctl(id, setAll: &values).mapError { SystemError(call: "semctl", code: $0) }
        .get()
    } catch {
      try? remove(id)  // never leave a set with the wrong values
      let hint = error.code == .resultOutOfRange ? IPCError.Hint.valueAboveSEMVMX : nil
      throw IPCError(operation: "create", subject: subject, error, hint: hint)
    }
    return id
  }

  static func list(paths: IPCPaths, withValues: Bool = true) -> [IPCObjectInfo] {
    let table = SysVProcTable(paths: paths, name: "sem")
    let common = SysVProcTable.CommonColumns(table, id: "semid")
    let (nsems, otime) = (table.column("nsems"), table.column("otime"))
    return table.rowsSorted(by: common.id).compactMap { row in
      var set = SysVSemaphoreSetDetails()
      set.count = row.number(nsems)
      set.lastOperation = timeOrNil(row.number(otime))
      return common.info(row, .sysvSemaphore(set))
    }
  }

  static func highestSlot() -> CInt { SysVCalls.highestSemaphoreSlot() }

  static func status(slot: Int32) throws(SystemError) -> IPCObjectInfo {
    try status(slot: slot, withStates: false)
  }

  /// With each semaphore's value, waiters and last pid, where the caller may read them.
  static func inspect(_ id: Int32, paths: IPCPaths) throws(SystemError) -> IPCObjectInfo {
    try sameID(try status(slot: id, withStates: true), id)
  }

  /// The record in the slot, with the states of its semaphores if asked.
  static func status(slot: Int32, withStates: Bool) throws(SystemError) -> IPCObjectInfo {
    var record = semid_ds()
    let id = try SysVCalls.semctl(slot, stat: statAny, &record)
      .mapError { SystemError(call: "semctl", subject: "semid \(slot)", code: $0) }.get()
    var set = SysVSemaphoreSetDetails()
    set.lastOperation = timeOrNil(record.sem_otime)
    set.count = UInt64(record.sem_nsems)
    if withStates { set.states = try? states(id, count: Int(record.sem_nsems)) }
    return IPCObjectInfo(id: id, record.sem_perm, changed: record.sem_ctime, details: .sysvSemaphore(set))
  }

  /// Each semaphore's value, waiters and last pid; needs read permission. Without `values`
  /// (evidence of use needs none) each value reads as 0, and the call for them is saved.
  static func states(_ id: Int32, count: Int, values withValues: Bool = true) throws(SystemError)
    -> [SysVSemaphoreState]
  {
    var values = [UInt16](repeating: 0, count: withValues ? max(count, 1) : 0)
    if withValues {
      try SysVCalls.semctl(id, getAll: &values)
        .mapError { SystemError(call: "semctl", subject: "semid \(id)", code: $0) }.get()
    }
    var states: [SysVSemaphoreState] = []
    states.reserveCapacity(count)
    for index in 0..<CInt(count) {
      func ask(_ command: CInt) throws(SystemError) -> CInt {
        try SysVCalls.semctl(id, index, command)
          .mapError { SystemError(call: "semctl", subject: "semid \(id)", code: $0) }.get()
      }
      states.append(
        SysVSemaphoreState(
          value: withValues ? Int32(values[Int(index)]) : 0, waitingForIncrease: try ask(GETNCNT),
          waitingForZero: try ask(GETZCNT), lastPID: try ask(GETPID)))
    }
    return states
  }

  /// Removes the set at once; blocked semop calls fail with EIDRM.
  ///
  /// The corresponding C call is `semctl(2)` with IPC_RMID.
  static func removal(_ id: Int32) -> Result<Void, Errno> {
    SysVCalls.semctl(id, 0, IPC_RMID).map { _ in () }
  }

  /// Adds `change` to semaphore 0, waiting while that would take it below zero; with `undo`
  /// the kernel reverses it should the process die holding it. Non-throwing: it runs in forked
  /// workers.
  ///
  /// The corresponding C call is `semop(2)`.
  static func operate(_ id: Int32, change: Int16, undo: Bool) -> Result<Void, Errno> {
    SysVCalls.semop(id, sembuf(sem_num: 0, sem_op: change, sem_flg: undo ? Int16(SEM_UNDO) : 0))
  }
}
