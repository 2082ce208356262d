import CIPCShims
import Glibc

/// Sending and receiving one message at a time for the command line, with priorities and the
/// queue's own limits named when a message does not fit.
extension PosixMessageQueue {
  /// An open queue, closed when dropped.
  final class Endpoint {
    let name: IPCName
    let queue: mqd_t
    let limit: MessageLimit

    init(_ name: IPCName, writing: Bool, nonblocking: Bool) throws(TransferError) {
      self.name = name
      let flags = (writing ? O_WRONLY : O_RDONLY) | O_CLOEXEC | (nonblocking ? O_NONBLOCK : 0)
      switch MessageQueueCalls.open(name, flags) {
      case .success(let queue): self.queue = queue
      case .failure(let code):
        throw .system(SystemError(call: "mq_open", subject: name.description, code: code))
      }
      // A descriptor mq_open just gave is a queue: mq_getattr cannot fail on it.
      let attributes = (try? MessageQueueCalls.attributes(queue).get()) ?? mq_attr()
      limit = .posix(messageSize: attributes.mq_msgsize, maxMessages: attributes.mq_maxmsg)
    }

    deinit { MessageQueueCalls.close(queue) }

    var messageSize: Int {
      guard case .posix(let size, _) = limit else { return 0 }
      return size
    }

    func send(_ message: QueueMessage, wait: MessageWait) throws(TransferError) {
      if message.bytes.count > messageSize {
        throw .tooLarge(size: message.bytes.count, limit: limit)
      }
      let result = message.bytes.withUnsafeBytes { bytes in
        waiting(wait) {
          MessageTransferCalls.mqSend(queue, bytes, priority: message.priority ?? 0)
        }
      }
      if case .failure(let error) = result { throw error.naming("mq_send", name.description) }
    }

    func receive(wait: MessageWait) throws(TransferError) -> QueueMessage {
      var buffer = [UInt8](repeating: 0, count: max(messageSize, 1))
      let result = buffer.withUnsafeMutableBytes { bytes in
        waiting(wait) { MessageTransferCalls.mqReceive(queue, into: bytes) }
      }
      switch result {
      case .success(let (size, priority)):
        return QueueMessage(bytes: Array(buffer[..<size]), priority: priority)
      case .failure(let error):
        throw error.naming("mq_receive", name.description)
      }
    }
  }
}
