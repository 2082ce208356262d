extension Snapshot {
  /// An order other than the listing's: by a key the front end makes of each object (a
  /// column's value), ties in listing order, perhaps reversed.
  public struct Order {
    let arrange: ([[IPCObjectInfo]], Scope) -> [IPCObjectInfo]

    /// `key` is given each namespace's scope once; what it returns makes an object's key.
    public init<Key: Comparable>(
      reversed: Bool = false, by key: @escaping (Scope) -> (IPCObjectInfo) -> Key
    ) {
      arrange = { runs, scope in
        let keyOf = key(scope)
        // Keys made once per object; the listing position breaks ties.
        var keyed = runs.joined().enumerated().map { (keyOf($1), $0, $1) }
        keyed.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        if reversed { keyed.reverse() }
        return keyed.map(\.2)
      }
    }

    /// The listing's own order, last first.
    public static var reversedListing: Order { Order(reversed: true) { _ in { _ in 0 } } }
  }
}
