import Glibc
import Synchronization

/// Runs `work` for each of `count` slices on its own thread and returns the results in order.
///
/// Listing tens of thousands of objects is stat calls and formatting that split cleanly across
/// cores. A slice whose thread cannot be started runs on the calling thread.
public func inParallel<T>(_ count: Int, _ work: @escaping (Int) -> T) -> [T] {
  guard count > 1 else { return (0..<count).map(work) }
  let results = ResultSlots<T>(count)
  var threads: [pthread_t] = []
  for index in 1..<count {
    let job = ThreadJob { results.values[index] = work(index) }
    if let thread = job.start() { threads.append(thread) } else { job.run() }
  }
  results.values[0] = work(0)
  for thread in threads { pthread_join(thread, nil) }
  return results.values.map { $0! }
}

/// One result per slice, in memory that does not move: each thread writes only its own slot,
/// and no copy-on-write check of a shared array stands between them.
private final class ResultSlots<T> {
  let values: UnsafeMutableBufferPointer<T?>

  init(_ count: Int) {
    values = .allocate(capacity: count)
    values.initialize(repeating: nil)
  }

  deinit { values.deinitialize().deallocate() }
}

/// Runs `work` on each of `chunks` on up to `threads` threads, each taking the next chunk as
/// soon as it is done, and returns the results in the order of `chunks`.
///
/// Items can cost unevenly (a semaphore is opened and read, a segment only stat'ed): taking
/// small chunks in turn keeps every core busy to the end, and the results keep their order.
public func inParallel<T>(
  chunks: [Range<Int>], threads: Int, _ work: @escaping (Range<Int>) -> T
) -> [T] {
  let slots = ResultSlots<T>(chunks.count)
  let next = ChunkCounter()
  _ = inParallel(max(1, min(threads, chunks.count))) { _ in
    while case let chunk = next.take(), chunk < chunks.count {
      slots.values[chunk] = work(chunks[chunk])  // each chunk's slot is written by one thread only
    }
  }
  return slots.values.map { $0! }
}

/// `0..<count` cut into ranges of `size`, the last one shorter.
public func chunked(_ count: Int, size: Int) -> [Range<Int>] {
  stride(from: 0, to: count, by: size).map { $0..<min(count, $0 + size) }
}

/// Hands out chunk numbers 0, 1, 2... to whichever thread asks first.
private final class ChunkCounter: Sendable {
  private let next = Atomic<Int>(0)

  func take() -> Int { next.wrappingAdd(1, ordering: .relaxed).oldValue }
}

/// The number of threads worth using: online cores, at most `limit`, each with enough items.
public func usefulThreads(for items: Int, perThread minimum: Int = 2000, limit: Int = 4) -> Int {
  let cores = SystemConfiguration.onlineCores
  return max(1, min(cores, limit, items / minimum))
}

/// Runs `work` on a new thread of its own and waits for it: for work that changes what only
/// its thread has (setns into an IPC namespace), which the caller's thread must keep.
public func onOwnThread<T>(_ work: @escaping () -> T) -> T {
  let slot = ResultSlots<T>(1)
  let job = ThreadJob { slot.values[0] = work() }
  guard let thread = job.start() else { preconditionFailure("pthread_create failed") }
  pthread_join(thread, nil)
  return slot.values[0]!
}

/// A closure run on a new pthread.
private final class ThreadJob {
  let run: () -> Void

  init(_ run: @escaping () -> Void) { self.run = run }

  func start() -> pthread_t? {
    var thread = pthread_t()
    let context = Unmanaged.passRetained(self).toOpaque()
    let started = pthread_create(&thread, nil, { raw in
      Unmanaged<ThreadJob>.fromOpaque(raw!).takeRetainedValue().run()
      return nil
    }, context)
    guard started == 0 else {
      Unmanaged<ThreadJob>.fromOpaque(context).release()
      return nil
    }
    return thread
  }
}
