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
