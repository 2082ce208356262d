/// What a watch remembers between refreshes: the sample before, and the objects that vanished
/// lately. Given each new sample, it makes the frame to show. No clock or system call here:
/// the samples carry their times, so a test gives fixtures and exact intervals.
public struct WatchState: Sendable {
  /// How many refreshes a vanished object stays shown, marked gone (the one that found it
  /// gone included).
  public var goneRefreshes: Int

  private var previous: [WatchKey: WatchSample.Entry] = [:]
  private var previousTaken: Double?
  /// Vanished objects still shown, as last read, and how many more refreshes show them.
  private var gone: [WatchKey: (entry: WatchSample.Entry, left: Int)] = [:]
  /// The rows of the frame before, in order: a vanished object keeps its place among them.
  private var shownOrder: [WatchKey] = []

  public init(goneRefreshes: Int = 2) {
    self.goneRefreshes = goneRefreshes
  }

  /// The frame `sample` makes after the samples before it.
  public mutating func advance(to sample: WatchSample) -> WatchFrame {
    let first = previousTaken == nil
    let seconds = previousTaken.map { sample.taken - $0 }
    var current: [WatchKey: WatchSample.Entry] = [:]
    current.reserveCapacity(sample.entries.count)
    var places: [WatchKey: Int] = [:]
    places.reserveCapacity(sample.entries.count)
    var order: [WatchKey] = []
    order.reserveCapacity(sample.entries.count)
    // Sorted by (place, 0 for a gone row or 1, its place in the frame before).
    var rows: [(place: Int, present: Int, before: Int, row: WatchRow)] = []
    rows.reserveCapacity(sample.entries.count + gone.count)
    for (index, entry) in sample.entries.enumerated() {
      let key = WatchKey(entry)
      current[key] = entry
      places[key] = index
      order.append(key)
      var row = WatchRow(object: entry.object, namespace: entry.namespace, mark: .present)
      if let before = previous[key] {
        row.delta = seconds.map { ObjectDelta(from: before.object, to: entry.object, seconds: $0) }
      } else if !first {
        row.mark = .new
      }
      gone[key] = nil  // back again: new, not gone
      rows.append((index, 1, 0, row))
    }
    for (key, entry) in previous where current[key] == nil {
      gone[key] = (entry, goneRefreshes)
    }
    // A vanished row goes just before the first row that followed it and is still here.
    var following = sample.entries.count
    var anyGone = false
    for (before, key) in shownOrder.enumerated().reversed() {
      if let place = places[key] {
        following = place
      } else if let item = gone[key], item.left > 0 {
        rows.append(
          (following, 0, before,
           WatchRow(object: item.entry.object, namespace: item.entry.namespace, mark: .gone)))
        gone[key]?.left -= 1
        anyGone = true
      }
    }
    gone = gone.filter { $0.value.left > 0 }
    rows.sort { ($0.place, $0.present, $0.before) < ($1.place, $1.present, $1.before) }
    previous = current
    previousTaken = sample.taken
    shownOrder = anyGone
      ? rows.map { WatchKey(WatchSample.Entry($0.row.object, namespace: $0.row.namespace)) } : order
    return WatchFrame(rows: rows.map(\.row), seconds: seconds, shmSpace: sample.shmSpace)
  }
}
