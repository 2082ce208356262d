/// What a watch remembers between refreshes: the sample before, and the objects that vanished
/// lately. Given each new sample, it makes the frame to show. No clock or system call here:
/// the samples carry their times, so a test gives fixtures and exact intervals.
///
/// A refresh runs over tens of thousands of objects: each object's key is made and hashed once
/// a sample, entries stay in the sample's array (a dictionary holds only their places), and
/// the frame is sorted only when vanished objects are to be put back among the rest.
public struct WatchState: Sendable {
  /// How many refreshes a vanished object stays shown, marked gone (the one that found it
  /// gone included).
  public var goneRefreshes: Int

  private var previous: [WatchSample.Entry] = []
  private var previousKeys: [WatchKey] = []
  private var previousPlaces: [WatchKey: Int] = [:]
  private var previousTaken: Double?
  /// Vanished objects still shown, as last read, and how many more refreshes show them.
  private var gone: [WatchKey: (entry: WatchSample.Entry, left: Int)] = [:]
  /// The keys of the frame before, in order, where it showed vanished objects (else the
  /// sample's keys are its order): a vanished object keeps its place among them.
  private var shownOrder: [WatchKey]?

  public init(goneRefreshes: Int = 2) {
    self.goneRefreshes = goneRefreshes
  }

  /// The frame `sample` makes after the samples before it.
  public mutating func advance(to sample: WatchSample) -> WatchFrame {
    let first = previousTaken == nil
    let seconds = previousTaken.map { sample.taken - $0 }
    let keys = sample.entries.map(WatchKey.init)
    var places: [WatchKey: Int] = [:]
    places.reserveCapacity(keys.count)
    var rows: [WatchRow] = []
    rows.reserveCapacity(sample.entries.count + gone.count)
    var matched = 0
    for (index, entry) in sample.entries.enumerated() {
      let key = keys[index]
      places[key] = index
      var row = WatchRow(object: entry.object, namespace: entry.namespace, mark: .present)
      if let place = previousPlaces[key] {
        matched += 1
        row.delta = seconds.map { ObjectDelta(from: previous[place].object, to: entry.object, seconds: $0) }
      } else if !first {
        row.mark = .new
        gone[key] = nil  // back again: new, not gone
      }
      rows.append(row)
    }
    if matched < previous.count {  // some vanished
      for (index, key) in previousKeys.enumerated() where places[key] == nil {
        gone[key] = (previous[index], goneRefreshes)
      }
    }
    var order: [WatchKey]?
    if !gone.isEmpty { (rows, order) = withGone(rows, keys: keys, places: places) }
    previous = sample.entries
    previousKeys = keys
    previousPlaces = places
    previousTaken = sample.taken
    shownOrder = order
    return WatchFrame(rows: rows, seconds: seconds, shmSpace: sample.shmSpace)
  }

  /// The rows with each vanished object put back just before the first row that followed it
  /// in the frame before and is still here; and the new frame's keys in order.
  private mutating func withGone(_ rows: [WatchRow], keys: [WatchKey], places: [WatchKey: Int])
    -> ([WatchRow], [WatchKey])
  {
    // Sorted by (place, 0 for a gone row or 1, its place in the frame before).
    var placed = rows.enumerated().map { (place: $0, present: 1, before: 0, row: $1, key: keys[$0]) }
    var following = rows.count
    var shown: Set<WatchKey> = []
    for (before, key) in (shownOrder ?? previousKeys).enumerated().reversed() {
      if let place = places[key] {
        following = place
      } else if let item = gone[key] {
        let row = WatchRow(object: item.entry.object, namespace: item.entry.namespace, mark: .gone)
        placed.append((following, 0, before, row, key))
        shown.insert(key)
      }
    }
    // Each shown once more; one the frame before did not show (none should be) is dropped.
    var kept: [WatchKey: (entry: WatchSample.Entry, left: Int)] = [:]
    for (key, item) in gone where shown.contains(key) && item.left > 1 {
      kept[key] = (item.entry, item.left - 1)
    }
    gone = kept
    placed.sort { ($0.place, $0.present, $0.before) < ($1.place, $1.present, $1.before) }
    return (placed.map(\.row), placed.map(\.key))
  }
}
