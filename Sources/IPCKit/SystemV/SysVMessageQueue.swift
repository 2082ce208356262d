import Glibc

/// System V message queues (`msgget(2)`, `msgctl(2)`).
enum SysVMessageQueue {
  static let statAny: CInt = 13  // MSG_STAT_ANY: IPC_STAT without the read-permission check

  /// Creates a queue; key nil means IPC_PRIVATE. Returns the id.
  static func create(key: Int32?, permissions: IPCPermissions, paths: IPCPaths)
    throws(IPCError) -> Int32
  {
    do throws(SystemError) {
      return try retryingOnInterrupt("msgget") {
        msgget(key ?? IPC_PRIVATE, IPC_CREAT | IPC_EXCL | CInt(permissions.rawValue))
      }
    } catch {
      let hint =
        error.code == ENOSPC
        ? IPCError.Hint.limit(
          "too many queues: kernel.msgmni = \(paths.kernelSetting("kernel/msgmni").map(String.init) ?? "?")")
        : nil
      throw IPCError(operation: "create", subject: key.map { "sysv-mq:key \(formatKey($0))" } ?? "sysv-mq", error, hint: hint)
    }
  }

  /// Every queue in /proc/sysvipc/msg, and with `withLimits` its byte limit, which only
  /// msgctl tells (a call per queue).
  static func list(paths: IPCPaths, withLimits: Bool = true) -> [IPCObjectInfo] {
    let table = SysVProcTable(paths: paths, name: "msg")
    let common = SysVProcTable.CommonColumns(table, id: "msqid")
    let (cbytes, qnum, lspid, lrpid) = (table.column("cbytes"), table.column("qnum"), table.column("lspid"), table.column("lrpid"))
    let (stime, rtime) = (table.column("stime"), table.column("rtime"))
    return table.rowsSorted(by: common.id).compactMap { row in
      guard var info = common.info(.sysvQueue, row) else { return nil }
      info.bytes = row.number(cbytes)
      info.messages = row.number(qnum)
      info.lastSendPID = row.number(lspid)
      info.lastReceivePID = row.number(lrpid)
      info.lastSend = timeOrNil(row.number(stime))
      info.lastReceive = timeOrNil(row.number(rtime))
      if withLimits, let id = info.id, let detail = try? status(id) { info.maxBytes = detail.maxBytes }
      return info
    }
  }

  /// The kernel's record of one queue, read without needing read permission.
  static func status(_ id: Int32) throws(SystemError) -> IPCObjectInfo {
    let info = try status(slot: id)
    // STAT_ANY looks up by slot; a different sequence number means another object.
    guard info.id == id else { throw SystemError(call: "msgctl", subject: "msqid \(id)", code: EINVAL) }
    return info
  }

  /// The record in the slot the kernel takes from `slot` (an id names its own), whatever
  /// object is there now; its id is in the result.
  static func status(slot: Int32) throws(SystemError) -> IPCObjectInfo {
    var record = msqid_ds()
    let id = try retryingOnInterrupt("msgctl", "msqid \(slot)") {
      msgctl(slot, statAny, &record)
    }
    let perm = record.msg_perm
    var info = IPCObjectInfo(
      kind: .sysvQueue, uid: perm.uid, gid: perm.gid, permissions: IPCPermissions(rawValue: perm.mode))
    info.id = id
    info.key = perm.__key
    info.creatorUID = perm.cuid
    info.creatorGID = perm.cgid
    info.changed = record.msg_ctime
    info.messages = UInt64(record.msg_qnum)
    info.bytes = UInt64(record.__msg_cbytes)
    info.maxBytes = UInt64(record.msg_qbytes)
    info.lastSendPID = record.msg_lspid
    info.lastReceivePID = record.msg_lrpid
    info.lastSend = timeOrNil(record.msg_stime)
    info.lastReceive = timeOrNil(record.msg_rtime)
    return info
  }

  /// Removes the queue at once; blocked senders and receivers wake with EIDRM.
  ///
  /// The corresponding C call is `msgctl(2)` with IPC_RMID.
  static func remove(_ id: Int32) throws(SystemError) {
    var unused = msqid_ds()
    try retryingOnInterrupt("msgctl", "msqid \(id)") { msgctl(id, IPC_RMID, &unused) }
  }
}
