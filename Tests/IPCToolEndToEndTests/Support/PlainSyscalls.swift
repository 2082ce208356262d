import CIPCShims
import Foundation
import TestSupport

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

  /// A process inside the namespace that attaches segment `id` and sleeps, as a program using
  /// it does (python3); ready once the kernel counts the attachment.
  func attacher(_ id: Int32) throws -> RunningProgram {
    let program = try RunningProgram(
      "/usr/bin/nsenter",
      ["--target", String(pid), "--ipc", "--mount", "--", "python3", "-c", """
        import ctypes, time
        libc = ctypes.CDLL(None)
        libc.shmat.restype = ctypes.c_void_p
        print(libc.shmat(\(id), None, 0), flush=True)
        time.sleep(60)
        """])
    let attached = waitUntil {
      self.inIPCNamespace { () -> Bool in
        var status = shmid_ds()
        return shmctl(id, IPC_STAT, &status) == 0 && status.shm_nattch > 0
      }
    }
    guard attached else { throw SandboxError(message: "the attacher never attached") }
    return program
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

/// Objects whose names are any bytes, as a hostile user of the world-writable /dev/shm makes them.
extension Sandbox {
  /// A POSIX segment file named by raw bytes (no slash), owned by `owner`.
  func segment(named fileName: [UInt8], size: Int = 1, owner: uid_t = 0) {
    let path = Array(shmDirectory.utf8) + [UInt8(ascii: "/")] + fileName + [0]
    let fd = path.withUnsafeBufferPointer {
      $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_EXCL | O_RDWR, 0o644) }
    }
    precondition(fd >= 0, "open: \(errno)")
    precondition(ftruncate(fd, off_t(size)) == 0)
    fchown(fd, owner, owner)
    close(fd)
  }

  /// A POSIX queue named by raw bytes (with its slash), made with mq_open in the namespace.
  func queue(named name: [UInt8]) {
    inIPCNamespace {
      let queue = (name + [0]).withUnsafeBufferPointer {
        $0.withMemoryRebound(to: CChar.self) {
          ipcshim_mq_open($0.baseAddress!, O_CREAT | O_EXCL | O_RDONLY, 0o600, nil)
        }
      }
      precondition(queue >= 0, "mq_open: \(errno)")
      _ = ipcshim_mq_close(queue)
    }
  }

  /// The files in the namespace's /dev/shm, as bytes.
  func shmFileNames() -> Set<[UInt8]> {
    guard let directory = opendir(shmDirectory) else { return [] }
    defer { closedir(directory) }
    var names: Set<[UInt8]> = []
    while let entry = readdir(directory) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
      if name != [0x2E] && name != [0x2E, 0x2E] { names.insert(name) }
    }
    return names
  }
}
