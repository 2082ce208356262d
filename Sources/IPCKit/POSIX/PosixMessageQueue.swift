import CIPCShims
import Glibc

/// POSIX message queues, created and removed with `mq_open(3)` and `mq_unlink(3)`.
enum PosixMessageQueue {
  /// Creates an empty queue; unset limits take the kernel's defaults.
  ///
  /// The corresponding C call is `mq_open(3)` with O_CREAT | O_EXCL.
  static func create(
    _ name: IPCName, maxMessages: Int?, messageSize: Int?, permissions: IPCPermissions,
    paths: IPCPaths
  ) throws(IPCError) {
    var attributes: mq_attr?
    if maxMessages != nil || messageSize != nil {
      var custom = mq_attr()
      custom.mq_maxmsg = maxMessages ?? Int(paths.kernelSetting("fs/mqueue/msg_default") ?? 10)
      custom.mq_msgsize =
        messageSize ?? Int(paths.kernelSetting("fs/mqueue/msgsize_default") ?? 8192)
      attributes = custom
    }
    let oldMask = SystemConfiguration.setCreationMask(0)
    defer { _ = SystemConfiguration.setCreationMask(oldMask) }
    do throws(SystemError) {
      let queue = try MessageQueueCalls.open(
        name, O_CREAT | O_EXCL | O_RDONLY, mode: permissions.rawValue, attributes: attributes
      ).mapError { SystemError(call: "mq_open", subject: name.description, code: $0) }.get()
      MessageQueueCalls.close(queue)
    } catch {
      throw IPCError(
        operation: "create", subject: "posix-mq:\(name)", error,
        hint: limitHint(for: error.code, paths: paths))
    }
  }

  /// Says which kernel limit a failed `mq_open` ran into, and where it is set.
  static func limitHint(for code: Errno, paths: IPCPaths) -> IPCError.Hint? {
    func setting(_ name: String) -> UInt64? { paths.kernelSetting("fs/mqueue/" + name) }
    switch code {
    case .invalidArgument:
      return .posixQueueLimits(msgMax: setting("msg_max"), msgsizeMax: setting("msgsize_max"))
    case .noSpace:
      return .tooManyPosixQueues(queuesMax: setting("queues_max"))
    case .tooManyOpenFiles:
      return .queueMemoryOrDescriptors
    default:
      return nil
    }
  }

  /// Removes the queue's name; open descriptors keep working.
  ///
  /// The corresponding C call is `mq_unlink(3)`.
  static func unlink(_ name: IPCName) throws(SystemError) {
    try unlinking(name).mapError { SystemError(call: "mq_unlink", subject: name.description, code: $0) }
      .get()
  }

  /// The same, non-throwing, for code that runs after fork.
  static func unlinking(_ name: IPCName) -> Result<Void, Errno> {
    MessageQueueCalls.unlink(name)
  }

  /// Opens a queue for reading its attributes, without the mqueue filesystem.
  static func open(_ name: IPCName) throws(SystemError) -> FileDescriptor {
    FileDescriptor(
      raw: try MessageQueueCalls.open(name, O_RDONLY | O_NONBLOCK)
        .mapError { SystemError(call: "mq_open", subject: name.description, code: $0) }.get())
  }

  /// Everything a descriptor of the queue tells: stat, `mq_getattr`, and its status line.
  static func info(_ name: IPCName, queue: borrowing FileDescriptor) throws(SystemError)
    -> IPCObjectInfo
  {
    let fileStatus = try queue.status()
    // A file in the queue directory that is not a queue answers EBADF.
    let attributes = try MessageQueueCalls.attributes(queue.raw)
      .mapError { SystemError(call: "mq_getattr", subject: name.description, code: $0) }.get()
    var details = PosixQueueDetails()
    details.messages = UInt64(attributes.mq_curmsgs)
    details.maxMessages = UInt64(attributes.mq_maxmsg)
    details.messageSize = UInt64(attributes.mq_msgsize)
    let line = String(decoding: try queue.read(upTo: 256), as: UTF8.self)
    (details.bytes, details.notifyPID) = parseStatus(line)
    return info(name, status: fileStatus, details: details)
  }

  /// What stat alone tells, for queues the caller may not open.
  static func info(
    _ name: IPCName, status: stat, details: PosixQueueDetails = PosixQueueDetails()
  ) -> IPCObjectInfo {
    // Reading a queue's status file moves its ctime, so the ctime would only tell when it was
    // last listed; mtime moves on send and receive.
    var details = details
    details.modified = status.st_mtim.tv_sec
    return IPCObjectInfo(name, status, changed: status.st_mtim.tv_sec, details: .posixQueue(details))
  }

  /// Reads "QSIZE:129 NOTIFY:2 SIGNO:0 NOTIFY_PID:8260"; a notify pid of 0 means none.
  static func parseStatus(_ line: String) -> (bytes: UInt64?, notifyPID: pid_t?) {
    var fields: [Substring: Substring] = [:]
    for word in line.split(whereSeparator: \.isWhitespace) {
      let parts = word.split(separator: ":", maxSplits: 1)
      if parts.count == 2 { fields[parts[0]] = parts[1] }
    }
    let pid = fields["NOTIFY_PID"].flatMap { pid_t($0) }
    return (fields["QSIZE"].flatMap { UInt64($0) }, pid == 0 ? nil : pid)
  }
}
