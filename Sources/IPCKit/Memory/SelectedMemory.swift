/// What a selection (`--kind`, `--prefix`, `--owner`, an age, `--unused`) picks out of the
/// account: the shared memory objects it matches, each with its pages, and every other byte
/// the rows count summed as `notSelected`, so that the selected rows and it still add up to
/// the same `explained`.
///
/// Only objects a selector can match are picked: POSIX shared memory in our /dev/shm and
/// System V segments of our IPC namespace. The rest of each tmpfs, files unlinked (their name
/// is gone; held by definition, so never unused, and what their times say of stores through a
/// mapping is nothing, so no age), memfd files and shared anonymous regions (never IPC
/// objects, held too), POSIX semaphores' pages and other namespaces' segments never are.
public struct SelectedMemory: Sendable {
  public var posix: [SelectedPosixObject]
  public var segments: [SegmentMemory]
  /// The account's explained bytes less the selected rows': never hidden, never negative.
  public var notSelected: UInt64

  /// The selected rows' bytes.
  public var selected: UInt64 {
    posix.reduce(0) { $0 + $1.bytes } + segments.reduce(0) { $0 + ($1.resident ?? 0) }
  }
}

/// One POSIX shared memory object a selection picked, with the pages it holds (st_blocks).
public struct SelectedPosixObject: Sendable {
  public var object: IPCObjectInfo
  public var bytes: UInt64
}

extension SelectedMemory {
  /// Picks from `account` the `chosen` objects (a selection's among our namespace's shared
  /// memory, whose IPC namespace inode is `namespace`): POSIX ones with their pages, System V
  /// ones as the account's rows.
  static func pick(
    from chosen: [IPCObjectInfo], in account: SharedMemoryAccount, namespace: UInt64?
  ) -> SelectedMemory {
    let posix = chosen.compactMap { object -> SelectedPosixObject? in
      guard case .posixSharedMemory(let details) = object.details else { return nil }
      return SelectedPosixObject(object: object, bytes: details.residentBytes)
    }
    let ids = Set(chosen.compactMap { $0.kind == .sysvSharedMemory ? $0.id : nil })
    // Only our namespace's segments: the listing's ids mean nothing in another.
    let segments = account.segments.filter { $0.namespace == namespace && ids.contains($0.id) }
    var picked = SelectedMemory(posix: posix, segments: segments, notSelected: 0)
    let explained = account.explained
    picked.notSelected = explained > picked.selected ? explained - picked.selected : 0
    return picked
  }
}
