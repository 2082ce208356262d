import Glibc
import Synchronization

/// The mqueue filesystem's directory of one context's IPC namespace, opened the first time a
/// job needs it and then kept: a context makes its private mount (or proves the mounted one
/// its namespace's) once, however many jobs read it.
///
/// It is opened only on a thread in the context's namespace: a mount made in another would list
/// another namespace's queues. (`--all-namespaces` makes each namespace's context before its
/// thread joins it; the directory is opened after, by the thread that joined.)
public final class QueueDirectory: Sendable {
  private let paths: IPCPaths
  private let namespace: IPCNamespaceID?
  /// The open directory's descriptor, or why there is none; nil until first asked.
  private let opened = Mutex<Result<CInt, ListingGap>?>(nil)

  init(paths: IPCPaths, namespace: IPCNamespaceID?) {
    self.paths = paths
    self.namespace = namespace
  }

  deinit {
    if case .success(let descriptor)? = opened.withLock({ $0 }) {
      _ = FileDescriptor(raw: descriptor)  // closes it
    }
  }

  /// Runs `body` with the directory, through a descriptor of its own (so two readings never
  /// share an offset), or returns why the queues cannot be read.
  func withDirectory<T>(_ body: (borrowing FileDescriptor) -> T) -> Result<T, ListingGap> {
    let kept = opened.withLock { opened -> Result<CInt, ListingGap> in
      if let opened { return opened }
      let now = open()
      opened = now
      return now
    }
    switch kept {
    case .failure(let gap): return .failure(gap)
    case .success(let descriptor):
      guard let own = try? FileDescriptor.open(".", O_RDONLY | O_DIRECTORY, relativeTo: descriptor)
      else { return .failure(.queueDirectoryUnreadable(path: paths.mqueue ?? "mqueue", code: .badFileDescriptor)) }
      return .success(body(own))
    }
  }

  private func open() -> Result<CInt, ListingGap> {
    if let namespace, (try? IPCNamespaceID.of("thread-self", proc: paths.proc).get()) != namespace {
      return .failure(.queuesOfAnotherNamespace)
    }
    switch MqueueFilesystem.open(paths) {
    case .directory(let directory): return .success(directory.release())
    case .unavailable(let gap): return .failure(gap)
    }
  }
}
