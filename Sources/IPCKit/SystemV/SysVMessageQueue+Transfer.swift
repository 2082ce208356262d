import Glibc

/// Sending and receiving one message at a time for the command line: typed messages, msgrcv's
/// type selection, and the queue's byte limit named when a message does not fit.
extension SysVMessageQueue {
  /// A queue by id, with its limits read once.
  final class Endpoint {
    let id: Int32
    let limit: MessageLimit
    /// The largest payload a message of this queue can have.
    let largest: Int

    init(_ id: Int32, paths: IPCPaths) throws(TransferError) {
      self.id = id
      // Read without the read-permission check (MSG_STAT_ANY): a sender needs only write
      // permission, and msgsnd says for itself whether it has it.
      let queueBytes: Int
      do throws(SystemError) {
        queueBytes = Int(try status(id).details.sysvQueue?.maxBytes ?? 0)
      } catch {
        throw .system(error)
      }
      let kernelMax = paths.kernelSetting("kernel/msgmax").map { Int($0) }
      limit = .sysv(queueBytes: queueBytes, kernelMax: kernelMax)
      largest = min(queueBytes, kernelMax ?? queueBytes)
    }

    func send(_ message: QueueMessage, wait: MessageWait) throws(TransferError) {
      let size = message.bytes.count
      if size > largest { throw .tooLarge(size: size, limit: limit) }
      // A message is the type (a C long) and then the payload.
      var buffer = [UInt8](repeating: 0, count: MemoryLayout<Int>.size + size)
      withUnsafeBytes(of: message.type ?? 1) { buffer.replaceSubrange(0..<$0.count, with: $0) }
      buffer.replaceSubrange(MemoryLayout<Int>.size..., with: message.bytes)
      let flags = wait == .nonblock ? IPC_NOWAIT : 0
      let result = buffer.withUnsafeBytes { bytes in
        waiting(wait) { MessageTransferCalls.msgsnd(id, bytes.baseAddress!, size: size, flags: flags) }
      }
      if case .failure(let error) = result {
        if case .system(let failed) = error, failed.code == .invalidArgument {
          throw .tooLarge(size: size, limit: limit)
        }
        throw error.naming("msgsnd", "msqid \(id)")
      }
    }

    /// The next message `type` selects, as msgrcv(2) does: 0 any, > 0 that type, < 0 the
    /// lowest type at most its magnitude.
    func receive(type: Int, wait: MessageWait) throws(TransferError) -> QueueMessage {
      let header = MemoryLayout<Int>.size
      var buffer = [UInt8](repeating: 0, count: header + largest)
      let flags = wait == .nonblock ? IPC_NOWAIT : 0
      let result = buffer.withUnsafeMutableBytes { bytes in
        waiting(wait) {
          MessageTransferCalls.msgrcv(id, into: bytes.baseAddress!, size: largest, type: type, flags: flags)
        }
      }
      switch result {
      case .success(let size):
        let type = buffer.withUnsafeBytes { $0.loadUnaligned(as: Int.self) }
        return QueueMessage(bytes: Array(buffer[header..<(header + size)]), type: type)
      case .failure(let error):
        throw error.naming("msgrcv", "msqid \(id)")
      }
    }

    /// A copy of the message at `index` (0: the oldest), left on the queue; nil past the last.
    /// MSG_COPY needs IPC_NOWAIT and a kernel built with CONFIG_CHECKPOINT_RESTORE (else
    /// ENOSYS).
    func copy(at index: Int) throws(TransferError) -> QueueMessage? {
      let header = MemoryLayout<Int>.size
      var buffer = [UInt8](repeating: 0, count: header + largest)
      let result = buffer.withUnsafeMutableBytes { bytes in
        MessageTransferCalls.msgrcv(
          id, into: bytes.baseAddress!, size: largest, type: index, flags: IPC_NOWAIT | Self.copyFlag)
      }
      switch result {
      case .success(let size):
        let type = buffer.withUnsafeBytes { $0.loadUnaligned(as: Int.self) }
        return QueueMessage(bytes: Array(buffer[header..<(header + size)]), type: type)
      case .failure(.noMessage): return nil
      case .failure(let code) where code.rawValue == ENOSYS: throw .cannotPeek(.sysvQueue)
      case .failure(let code):
        throw .system(SystemError(call: "msgrcv", subject: "msqid \(id)", code: code))
      }
    }

    /// MSG_COPY, which Glibc's module does not export.
    static let copyFlag: CInt = 0o40000
  }
}
