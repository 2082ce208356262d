import IPCKit

// What each kernel limit counts and where it is set: the words of `ipctool limits` (WHAT and
// SET BY, "description" and "set_by" in JSON). The library names the limit; the sentences are
// made here.

extension KernelLimit {
  /// "System V message queues": what the limit counts.
  var summary: String {
    switch name {
    case "msgmni": "System V message queues"
    case "msgmax": "bytes in one System V message"
    case "msgmnb": "bytes a new System V queue may hold"
    case "shmmni": "System V shared memory segments"
    case "shmall": "pages of System V shared memory in all"
    case "shmmax": "bytes in one System V segment"
    case "shmmin": "smallest System V segment, bytes"
    case "semmni": "System V semaphore sets"
    case "semmns": "System V semaphores in all"
    case "semmsl": "semaphores in one set"
    case "semopm": "operations in one semop call"
    case "semvmx": "largest semaphore value"
    case "queues_max": "POSIX message queues"
    case "msg_max": "messages in one POSIX queue (unprivileged)"
    case "msgsize_max": "bytes in one POSIX message (unprivileged)"
    case "msg_default": "queue length when not given"
    case "msgsize_default": "message size when not given"
    case "RLIMIT_MSGQUEUE": "bytes of this user's POSIX queues (USED: this namespace's, about)"
    case "shm_size": "bytes of POSIX shared memory in \(shownFolder)"
    case "shm_inodes": "files in \(shownFolder)"
    default: name  // a limit without words yet is named, never blank (see WordingTests)
    }
  }

  /// "kernel.msgmni": the sysctl, rlimit or mount option that sets it.
  var setBy: String {
    switch name {
    case "msgmni", "msgmax", "msgmnb", "shmmni", "shmall", "shmmax": "kernel." + name
    case "shmmin", "semvmx": "fixed in the kernel"
    case "semmsl": "kernel.sem (1st field)"
    case "semmns": "kernel.sem (2nd field)"
    case "semopm": "kernel.sem (3rd field)"
    case "semmni": "kernel.sem (4th field)"
    case "queues_max", "msg_max", "msgsize_max", "msg_default", "msgsize_default":
      "fs.mqueue." + name
    case "RLIMIT_MSGQUEUE": "ulimit -q (setrlimit)"
    case "shm_size": "\(shownFolder) mount option size= (tmpfs)"
    case "shm_inodes": "\(shownFolder) mount option nr_inodes="
    default: "?"
    }
  }

  /// The folder a file system's limit was read from (a path ipctool opened, not a name a user
  /// chose, so shown as it is).
  private var shownFolder: String { folder ?? "/dev/shm" }
}
