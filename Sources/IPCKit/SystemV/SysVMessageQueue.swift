import Glibc

/// System V message queues (`msgget(2)`, `msgctl(2)`).
enum SysVMessageQueue: SysVFamily {
  static let control = "msgctl"
  static let idName = "msqid"
  static let statAny: CInt = 13  // MSG_STAT_ANY: IPC_STAT without the read-permission check

  /// Creates a queue; key nil means IPC_PRIVATE. Returns the id.
  static func create(key: Int32?, permissions: IPCPermissions, paths: IPCPaths)
    throws(IPCError) -> Int32
  {
    do throws(SystemError) {
      return try SysVCalls.msgget(
        key ?? IPC_PRIVATE, IPC_CREAT | IPC_EXCL | CInt(permissions.rawValue)
      ).mapError { SystemError(call: "msgget", code: $0) }.get()
    } catch {
      let hint =
        error.code == .noSpace
        ? IPCError.Hint.tooManySysVQueues(msgmni: paths.kernelSetting("kernel/msgmni"))
        : keyTakenHint(.sysvQueue, error.code, id: SysVCalls.msgget(key ?? IPC_PRIVATE, 0))
      throw IPCError(operation: "create", subject: createSubject(.sysvQueue, key: key), error, hint: hint)
    }
  }

  /// Every queue in /proc/sysvipc/msg, and with `withLimits` its byte limit, which only
  /// msgctl tells (a call per queue).
  static func list(paths: IPCPaths, withValues withLimits: Bool = true) -> [IPCObjectInfo] {
    let table = SysVProcTable(paths: paths, name: "msg")
    let common = SysVProcTable.CommonColumns(table, id: "msqid")
    let (cbytes, qnum, lspid, lrpid) = (table.column("cbytes"), table.column("qnum"), table.column("lspid"), table.column("lrpid"))
    let (stime, rtime) = (table.column("stime"), table.column("rtime"))
    return table.rowsSorted(by: common.id).compactMap { row in
      var queue = SysVQueueDetails()
      queue.bytes = row.number(cbytes)
      queue.messages = row.number(qnum)
      queue.lastSendPID = row.number(lspid)
      queue.lastReceivePID = row.number(lrpid)
      queue.lastSend = timeOrNil(row.number(stime))
      queue.lastReceive = timeOrNil(row.number(rtime))
      if withLimits, let id: Int32 = row.number(common.id) {
        queue.maxBytes = (try? status(id))?.details.sysvQueue?.maxBytes
      }
      return common.info(row, .sysvQueue(queue))
    }
  }

  static func highestSlot() -> CInt { SysVCalls.highestQueueSlot() }

  static func status(slot: Int32) throws(SystemError) -> IPCObjectInfo {
    var record = msqid_ds()
    let id = try SysVCalls.msgctl(slot, statAny, &record)
      .mapError { SystemError(call: "msgctl", subject: "msqid \(slot)", code: $0) }.get()
    var queue = SysVQueueDetails()
    queue.messages = UInt64(record.msg_qnum)
    queue.bytes = UInt64(record.__msg_cbytes)
    queue.maxBytes = UInt64(record.msg_qbytes)
    queue.lastSendPID = record.msg_lspid
    queue.lastReceivePID = record.msg_lrpid
    queue.lastSend = timeOrNil(record.msg_stime)
    queue.lastReceive = timeOrNil(record.msg_rtime)
    return IPCObjectInfo(id: id, record.msg_perm, changed: record.msg_ctime, details: .sysvQueue(queue))
  }

  /// Removes the queue at once; blocked senders and receivers wake with EIDRM.
  ///
  /// The corresponding C call is `msgctl(2)` with IPC_RMID.
  static func removal(_ id: Int32) -> Result<Void, Errno> {
    var unused = msqid_ds()
    return SysVCalls.msgctl(id, IPC_RMID, &unused).map { _ in () }
  }
}
