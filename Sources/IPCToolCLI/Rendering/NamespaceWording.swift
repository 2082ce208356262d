import IPCKit

// What the command line says of a namespace it could not read whole.

extension NamespaceNote {
  /// What follows "namespace INODE: " on stderr.
  var sentence: String {
    switch self {
    case .shmRefused(let reason): "its /dev/shm is \(reason.words)"
    case .cannotJoin(let code): "cannot join its IPC namespace: \(code)"
    }
  }
}

enum NamespaceWording {
  /// The note after a reading of every namespace where some processes' namespace could not be
  /// read: what they are in is unknown, not absent.
  static func unreadableProcesses(_ count: Int) -> String {
    "\(count) \(count == 1 ? "process's" : "processes'") IPC namespace could not be read (it needs"
      + " ptrace access, CAP_SYS_PTRACE): namespaces only they are in are not shown"
  }
}
