import Glibc

/// Why a send or receive did not happen. Values: the command line puts them in words.
public enum TransferError: Error, Sendable, Equatable {
  /// The queue stayed full (send) or empty (receive) under `--nonblock`.
  case wouldBlock
  /// The wait's deadline passed first.
  case timedOut(seconds: Double)
  /// A stop signal came while waiting; nothing was sent or taken.
  case stopped(signal: Int32)
  /// The message is larger than the queue takes.
  case tooLarge(size: Int, limit: MessageLimit)
  /// The kernel cannot show messages without taking them: a POSIX queue, or a System V one
  /// on a kernel without MSG_COPY (CONFIG_CHECKPOINT_RESTORE).
  case cannotPeek(IPCKind)
  /// The object is no queue.
  case notAQueue(IPCKind)
  /// The call failed otherwise (permission, removed meanwhile).
  case system(SystemError)
}

/// A limit a message ran into, with its value where the kernel tells it.
public enum MessageLimit: Sendable, Equatable {
  /// A POSIX queue's message size (mq_msgsize) and message count (mq_maxmsg).
  case posix(messageSize: Int, maxMessages: Int)
  /// A System V queue's byte limit (msg_qbytes) and the kernel's message size limit
  /// (kernel.msgmax); nil where it could not be read.
  case sysv(queueBytes: Int?, kernelMax: Int?)
}

extension Errno {
  /// ENOMSG: msgrcv with IPC_NOWAIT found no message of the type.
  static let noMessage = Errno(rawValue: ENOMSG)
  /// EMSGSIZE: mq_send's message is larger than the queue's mq_msgsize.
  static let messageTooLong = Errno(rawValue: EMSGSIZE)
}
