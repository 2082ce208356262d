import CIPCShims
import Foundation

/// Objects made the way other programs make them, with plain calls and no ipctool code, so the
/// tests can check that ipctool reports what the kernel holds.
extension Sandbox {
  /// A System V queue holding `messages` messages of `size` bytes each.
  func plainSysVQueue(key: key_t, messages: Int, size: Int) -> Int32 {
    inIPCNamespace {
      let id = msgget(key, IPC_CREAT | IPC_EXCL | 0o640)
      precondition(id >= 0, "msgget: \(errno)")
      var buffer = [UInt8](repeating: 7, count: MemoryLayout<Int>.size + size)
      buffer.withUnsafeMutableBytes { $0.storeBytes(of: 1, as: Int.self) }  // mtype
      for _ in 0..<messages { precondition(msgsnd(id, &buffer, size, 0) == 0) }
      return id
    }
  }

  func plainSysVSegment(size: Int) -> Int32 {
    inIPCNamespace {
      let id = shmget(IPC_PRIVATE, size, IPC_CREAT | 0o600)
      precondition(id >= 0, "shmget: \(errno)")
      return id
    }
  }

  /// Attaches a segment to this test process (so nattch counts it); returns the address.
  func attach(_ id: Int32) -> UnsafeMutableRawPointer {
    inIPCNamespace {
      let address = shmat(id, nil, 0)
      precondition(address != UnsafeMutableRawPointer(bitPattern: -1), "shmat: \(errno)")
      return address!
    }
  }

  func plainSysVSemaphores(values: [UInt16]) -> Int32 {
    inIPCNamespace {
      let id = semget(IPC_PRIVATE, Int32(values.count), IPC_CREAT | 0o600)
      precondition(id >= 0, "semget: \(errno)")
      var copy = values
      precondition(ipcshim_semctl_setall(id, &copy) == 0)
      return id
    }
  }

  /// A POSIX queue with some messages in it.
  func plainPosixQueue(_ name: String, maxMessages: Int, messageSize: Int, messages: [String]) {
    inIPCNamespace {
      var attributes = mq_attr()
      attributes.mq_maxmsg = maxMessages
      attributes.mq_msgsize = messageSize
      let queue = ipcshim_mq_open(name, O_CREAT | O_EXCL | O_WRONLY, 0o644, &attributes)
      precondition(queue >= 0, "mq_open: \(errno)")
      for message in messages { precondition(ipcshim_mq_send(queue, message, message.utf8.count, 0) == 0) }
      _ = ipcshim_mq_close(queue)
    }
  }

  /// A POSIX shared memory file, as shm_open and ftruncate make it.
  func plainPosixSegment(_ name: String, size: Int, mode: mode_t = 0o600) {
    let fd = open(shmDirectory + name, O_CREAT | O_EXCL | O_RDWR, mode)
    precondition(fd >= 0, "open: \(errno)")
    precondition(ftruncate(fd, off_t(size)) == 0)
    fchmod(fd, mode)
    close(fd)
  }

  /// A POSIX semaphore file, laid out by glibc's sem_init as sem_open does.
  func plainPosixSemaphore(_ name: String, value: UInt32) {
    var semaphore = sem_t()
    sem_init(&semaphore, 1, value)
    let fd = open(shmDirectory + "/sem." + name.dropFirst(), O_CREAT | O_EXCL | O_RDWR, 0o600)
    precondition(fd >= 0, "open: \(errno)")
    _ = withUnsafeBytes(of: &semaphore) { write(fd, $0.baseAddress, $0.count) }
    close(fd)
  }
}
