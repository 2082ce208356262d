import IPCKit

// What the command line says of a namespace it could not read whole.

extension NamespaceNote {
  /// What follows "namespace INODE: " on stderr.
  var sentence: String {
    switch self {
    case .shmRefused(let reason): "its /dev/shm is \(reason.words)"
    case .cannotJoin(let code):
      "cannot join its IPC namespace: \(code)"
        + (code.isPermissionDenied ? " (it needs root, or CAP_SYS_ADMIN)" : "")
    }
  }
}

enum NamespaceWording {
  /// The note after a reading of every namespace where some processes' namespace could not be
  /// read: what they are in is unknown, not absent.
  static func unreadableProcesses(_ count: Int) -> String {
    "\(count) \(count == 1 ? "process's" : "processes'") IPC namespace could not be read (it needs"
      + " root, or ptrace access with CAP_SYS_PTRACE): namespaces only they are in are not shown"
  }

  /// The lines every command with --all-namespaces writes on stderr of what it could not see,
  /// each thing once: the processes whose namespace could not be read, then each namespace
  /// that could not be joined; those refused for want of privilege (as another user, all of
  /// them: its own processes' namespaces, few) in one line that names each and says what
  /// joining needs. `unjoined` labels each namespace ("namespace 4026532200 (pid 77)").
  static func everyNamespaceNotes(
    unreadableProcesses count: Int, unjoined: [(label: String, code: Errno)]
  ) -> [String] {
    var lines = count > 0 ? [unreadableProcesses(count)] : []
    let refused = unjoined.filter { $0.code.isPermissionDenied }
    lines += unjoined.filter { !$0.code.isPermissionDenied }.map { "\($0.label): cannot join: \($0.code)" }
    if let first = refused.first {
      lines.append(
        refused.map(\.label).joined(separator: ", ")
          + ": cannot join: \(first.code) (it needs root, or CAP_SYS_ADMIN):"
          + " \(refused.count == 1 ? "its" : "their") objects are not shown")
    }
    return lines
  }

  /// How those lines name a namespace found through one of its processes.
  static func label(_ namespace: IPCNamespaceSummary) -> String {
    "namespace \(namespace.inode) (pid \(namespace.representative.pid))"
  }
}
