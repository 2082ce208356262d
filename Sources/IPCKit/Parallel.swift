import Glibc

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

/// The number of threads worth using: online cores, at most `limit`, each with enough items.
public func usefulThreads(for items: Int, perThread minimum: Int = 2000, limit: Int = 4) -> Int {
  let cores = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
  return max(1, min(cores, limit, items / minimum))
}

/// One result per slice; each thread writes only its own slot.
private final class ResultSlots<T> {
  var values: [T?]
  init(_ count: Int) { values = Array(repeating: nil, count: count) }
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
