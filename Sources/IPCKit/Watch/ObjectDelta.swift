/// How one object changed between two samples `seconds` apart, from what the kernel records
/// (which counts no messages sent or received: rates are derived from counts, pids and times).
public struct ObjectDelta: Sendable, Equatable {
  public var seconds: Double
  /// Messages into and out of a queue per second; nil where only the net change is knowable
  /// (a POSIX queue that moved at all; a System V queue both sent to and received from).
  public var messagesIn: Double?
  public var messagesOut: Double?
  /// The change of the messages queued, per second: always known for a queue whose count
  /// was read.
  public var messagesNet: Double?
  /// A System V segment: processes attached now less then.
  public var attachedChange: Int64?
  /// A System V segment: attached or detached since (its attach or detach time moved), even
  /// where the count came back to what it was.
  public var attachActivity = false
  /// A POSIX semaphore: its value now less then.
  public var valueChange: Int64?
  /// A System V set: a semop since (its semop time moved to a later second).
  public var semaphoreOperated = false
  /// Shared memory: its size now less then.
  public var sizeChange: Int64?

  public init(seconds: Double) { self.seconds = seconds }

  /// The change from `before` to `after`, the same object read `seconds` apart.
  public init(from before: IPCObjectInfo, to after: IPCObjectInfo, seconds: Double) {
    self = Self.between(before, after, seconds: seconds)
  }

  /// As `init(from:to:seconds:)`, for a watch's tens of thousands of objects a refresh: an
  /// initializer takes its arguments to keep, so each call copied both objects (a retain and
  /// a release of each name); a function reads them where they are.
  static func between(_ before: IPCObjectInfo, _ after: IPCObjectInfo, seconds: Double) -> Self {
    var delta = ObjectDelta(seconds: seconds)
    delta.record(before, after)
    return delta
  }

  private mutating func record(_ before: IPCObjectInfo, _ after: IPCObjectInfo) {
    // The kind of `after`, then the same of `before`, each read in place: a tuple of both
    // copied them, tens of thousands of times a refresh.
    switch after.details {
    case .sysvQueue(let new):
      if case .sysvQueue(let old) = before.details { sysvQueue(old, new) }
    case .posixQueue(let new):
      guard case .posixQueue(let old) = before.details else { break }
      // The file's times move on a send and on a receive alike: only the count tells more.
      messages(old.messages, new.messages, sent: false, received: false, separable: false)
      if messagesNet == 0 && old.modified != new.modified { (messagesIn, messagesOut) = (nil, nil) }
    case .sysvSharedMemory(let new):
      guard case .sysvSharedMemory(let old) = before.details else { break }
      attachedChange = change(old.attached, new.attached)
      attachActivity = old.lastAttach != new.lastAttach || old.lastDetach != new.lastDetach
        || old.lastPID != new.lastPID || attachedChange.map { $0 != 0 } == true
      sizeChange = change(old.size, new.size)
    case .posixSharedMemory(let new):
      guard case .posixSharedMemory(let old) = before.details else { break }
      sizeChange = change(old.size, new.size)
    case .posixSemaphore(let new):
      guard case .posixSemaphore(let old) = before.details else { break }
      valueChange = change(old.value, new.value)
    case .sysvSemaphore(let new):
      if case .sysvSemaphore(let old) = before.details {
        semaphoreOperated = old.lastOperation != new.lastOperation
      }
    }
  }

  /// A System V queue records its last sender and receiver and when each acted (whole
  /// seconds): a new pid or time on one side only means the count's change is all that side's.
  private mutating func sysvQueue(_ old: SysVQueueDetails, _ new: SysVQueueDetails) {
    let sent = old.lastSend != new.lastSend || old.lastSendPID != new.lastSendPID
    let received = old.lastReceive != new.lastReceive || old.lastReceivePID != new.lastReceivePID
    messages(old.messages, new.messages, sent: sent, received: received, separable: true)
  }

  /// In, out and net from the counts; `separable`: whether `sent` and `received` are known.
  private mutating func messages(
    _ old: UInt64?, _ new: UInt64?, sent: Bool, received: Bool, separable: Bool
  ) {
    guard let net = change(old, new), seconds > 0 else { return }
    messagesNet = Double(net) / seconds
    // A rise means sends and a fall receives, whatever the records say.
    let sent = sent || net > 0
    let received = received || net < 0
    switch (sent, received) {
    case (false, false): (messagesIn, messagesOut) = (0, 0)
    case (true, false) where separable && net > 0: (messagesIn, messagesOut) = (messagesNet, 0)
    case (false, true) where separable && net < 0:
      (messagesIn, messagesOut) = (0, -Double(net) / seconds)
    default: (messagesIn, messagesOut) = (nil, nil)  // both happened: only the net is known
    }
  }

  private func change(_ old: (some BinaryInteger)?, _ new: (some BinaryInteger)?) -> Int64? {
    guard let old, let new else { return nil }
    return Int64(clamping: new) - Int64(clamping: old)
  }
}
