import Glibc

/// Why an operation on one object failed: values, which the command line puts in words a user
/// can act on.
///
/// `ipctool: unlink posix-shm:/x: Permission denied` reads as operation, subject, reason.
public struct IPCError: Error, Sendable, Equatable {
  public var operation: String  // "unlink"
  public var subject: String  // "posix-shm:/x": a reference as printed, already escaped
  public var reason: Reason
  public var code: Errno?  // the errno behind it, if any
  /// What the failure ran into, where ipctool can tell: a kernel limit or a full /dev/shm.
  public var hint: Hint?

  /// What a failure ran into: values, which the command line puts in words. Settings are
  /// the kernel's values as read (nil where they could not be).
  public enum Hint: Sendable, Equatable {
    /// msgget: ENOSPC, kernel.msgmni reached.
    case tooManySysVQueues(msgmni: UInt64?)
    /// shmget: EINVAL, a size outside 1 (shmmin) .. kernel.shmmax.
    case segmentSize(shmmax: UInt64?)
    /// shmget: ENOSPC, kernel.shmmni or kernel.shmall reached.
    case tooManySegments(shmmni: UInt64?, shmall: UInt64?)
    /// semget: EINVAL, a count above SEMMSL; `sem` is kernel.sem's four fields as read.
    case semaphoresPerSet(sem: [Substring]?)
    /// semget: ENOSPC, SEMMNI or SEMMNS reached.
    case tooManySemaphores(sem: [Substring]?)
    /// mq_open: EINVAL, limits above fs.mqueue.msg_max or msgsize_max, or zero.
    case posixQueueLimits(msgMax: UInt64?, msgsizeMax: UInt64?)
    /// mq_open: ENOSPC, fs.mqueue.queues_max reached.
    case tooManyPosixQueues(queuesMax: UInt64?)
    /// mq_open: EMFILE, RLIMIT_MSGQUEUE or the descriptor limit.
    case queueMemoryOrDescriptors
    /// fork: EAGAIN, RLIMIT_NPROC or kernel.pid_max.
    case processLimit
    /// A descriptor limit (ulimit -n).
    case tooManyDescriptors
    /// A System V create's key is taken (EEXIST): by this object.
    case keyTaken(IPCKind, id: Int32)
    /// semctl SETALL: ERANGE, a value above SEMVMX.
    case valueAboveSEMVMX
    /// The /dev/shm a POSIX object is made in is full; `free` bytes left, where known.
    case shmFull(path: String, free: UInt64?)
    /// A segment larger than the whole /dev/shm (`total` bytes).
    case largerThanShm(path: String, total: UInt64)

    /// Whether it names a kernel limit that `ipctool limits` shows.
    public var isKernelLimit: Bool {
      switch self {
      case .tooManySysVQueues, .segmentSize, .tooManySegments, .semaphoresPerSet,
        .tooManySemaphores, .posixQueueLimits, .tooManyPosixQueues, .processLimit:
        true
      case .queueMemoryOrDescriptors, .tooManyDescriptors, .keyTaken, .valueAboveSEMVMX,
        .shmFull, .largerThanShm:
        false
      }
    }
  }

  /// Why it failed.
  public enum Reason: Sendable, Equatable {
    /// The call's errno (EPERM is told as EACCES: they mean the same to a user here).
    case system(Errno)
    /// Nothing has that name, id or key.
    case noSuchObject
    /// There is no /dev/shm to act in.
    case noShm
    /// The /dev/shm at `path` was refused, and why (as `ListingGap.shmRefused` says it).
    case shmRefused(path: String, why: ShmRefusal)
    /// A POSIX semaphore's value above SEM_VALUE_MAX.
    case valueAboveSemValueMax(UInt32)
    /// The namespace-root helper's refusal, as it gave it.
    case notNamespaceRoot(Errno)
  }

  public init(operation: String, subject: String, reason: Reason, code: Errno? = nil) {
    self.operation = operation
    self.subject = subject
    self.reason = reason
    self.code = code
  }

  /// Wraps a failed call, keeping its errno and the kernel's sentence for it.
  public init(operation: String, subject: String, _ error: SystemError, hint: Hint? = nil) {
    // EPERM ("Operation not permitted") and EACCES mean the same to a user here.
    let shown = error.code.isPermissionDenied ? Errno.permissionDenied : error.code
    self.init(operation: operation, subject: subject, reason: .system(shown), code: error.code)
    self.hint = hint
  }

  /// True when the object was not there: `clean` and races treat it as already gone.
  public var isNoSuchObject: Bool { code == .noSuchFileOrDirectory || code == .identifierRemoved }
}
