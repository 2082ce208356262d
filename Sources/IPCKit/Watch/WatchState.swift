/// What a watch remembers between refreshes: the sample before, and the objects that vanished
/// lately. Given each new sample, it makes the frame to show. No clock or system call here:
/// the samples carry their times, so a test gives fixtures and exact intervals.
///
/// A refresh runs over tens of thousands of objects: the two samples, both in watch order
/// (`WatchSample.Entry.compare`), are walked side by side, as a merge does, so an object is
/// matched with its record before without hashing anything, and a vanished one falls where
/// it stood.
public struct WatchState: Sendable {
  /// How many refreshes a vanished object stays shown, marked gone (the one that found it
  /// gone included).
  public var goneRefreshes: Int

  private var previous: [WatchSample.Entry] = []
  private var previousTaken: Double?
  /// Vanished objects still shown, in watch order, as last read, and how many more refreshes
  /// show them.
  private var gone: [(entry: WatchSample.Entry, left: Int)] = []

  public init(goneRefreshes: Int = 2) {
    self.goneRefreshes = goneRefreshes
  }

  /// The frame `sample` makes after the samples before it.
  public mutating func advance(to sample: WatchSample) -> WatchFrame {
    let first = previousTaken == nil
    let seconds = previousTaken.map { sample.taken - $0 }
    let current = sample.ordered
    // Read once, out of `self`; each entry is compared with its record before once (where it
    // was found, or where it would be), not twice.
    let previous = self.previous
    let gone = self.gone
    var rows: [WatchRow] = []
    rows.reserveCapacity(current.count + gone.count)
    var stillGone: [(entry: WatchSample.Entry, left: Int)] = []
    // Three sorted runs: the sample, the one before, and the objects gone earlier. Both
    // samples read in place through their buffers: an entry taken out of an array (a loop
    // over it, its subscript) was copied, a retain and a release of its every name.
    var earlier = 0
    current.withUnsafeBufferPointer { current in
      previous.withUnsafeBufferPointer { previous in
        var old = 0
        for index in current.indices {
          // Vanished ones that sort before this object go before it.
          var order = 1  // with none left before, it is not there
          while old < previous.count {
            order = WatchSample.Entry.compare(previous.baseAddress! + old, current.baseAddress! + index)
            guard order < 0 else { break }
            addGone(previous[old], left: goneRefreshes, &rows, &stillGone, &earlier)
            old += 1
          }
          while earlier < gone.count {
            let order = WatchSample.Entry.compare(gone[earlier].entry, current[index])
            guard order <= 0 else { break }
            // Equal: back again, so new (the loop above left it unmatched in `previous`).
            if order < 0 { keepGone(gone[earlier], &rows, &stillGone) }
            earlier += 1
          }
          let found = order == 0
          let delta: ObjectDelta? =
            if found, let seconds {
              ObjectDelta.between(previous[old].object, current[index].object, seconds: seconds)
            } else {
              nil
            }
          if found { old += 1 }
          // Made where it is stored: a row made first and then appended was copied, and a
          // refresh makes tens of thousands.
          rows.append(
            WatchRow(
              object: current[index].object, namespace: current[index].namespace,
              mark: first || found ? .present : .new, delta: delta))
        }
        while old < previous.count {
          addGone(previous[old], left: goneRefreshes, &rows, &stillGone, &earlier)
          old += 1
        }
      }
    }
    while earlier < gone.count {
      keepGone(gone[earlier], &rows, &stillGone)
      earlier += 1
    }
    self.previous = current
    previousTaken = sample.taken
    self.gone = stillGone
    return WatchFrame(rows: rows, seconds: seconds, shmSpace: sample.shmSpace)
  }

  /// A newly vanished object, after the ones gone earlier that sort before it.
  private func addGone(
    _ entry: WatchSample.Entry, left: Int, _ rows: inout [WatchRow],
    _ stillGone: inout [(entry: WatchSample.Entry, left: Int)], _ earlier: inout Int
  ) {
    while earlier < gone.count, WatchSample.Entry.compare(gone[earlier].entry, entry) < 0 {
      keepGone(gone[earlier], &rows, &stillGone)
      earlier += 1
    }
    keepGone((entry, left), &rows, &stillGone)
  }

  /// Shows a vanished object once more, and keeps it for the next refresh if it has one left.
  private func keepGone(
    _ item: (entry: WatchSample.Entry, left: Int), _ rows: inout [WatchRow],
    _ stillGone: inout [(entry: WatchSample.Entry, left: Int)]
  ) {
    guard item.left > 0 else { return }
    rows.append(WatchRow(object: item.entry.object, namespace: item.entry.namespace, mark: .gone))
    if item.left > 1 { stillGone.append((item.entry, item.left - 1)) }
  }
}
