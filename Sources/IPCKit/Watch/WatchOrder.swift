import Glibc

extension WatchSample.Entry {
  /// The order a watch keeps its objects in, and matches two samples by: namespace inode,
  /// kind (listing order), name bytes or id and key, file inode. A listing of one namespace
  /// is already in it; the same object in two samples compares equal, and only it.
  static func compare(_ a: Self, _ b: Self) -> Int {
    if a.namespace?.inode != b.namespace?.inode {
      return (a.namespace?.inode ?? 0) < (b.namespace?.inode ?? 0) ? -1 : 1
    }
    let (kindA, kindB) = (a.object.kind, b.object.kind)
    if kindA != kindB { return kindA < kindB ? -1 : 1 }
    // One identity at a time, not a tuple of both: a tuple copied each name (a retain and a
    // release apiece), and a refresh compares tens of thousands of pairs.
    switch a.object.identity {
    case .named(let nameA):
      guard case .named(let nameB) = b.object.identity else { return -1 }
      let order = bytesOrder(nameA.fileName, nameB.fileName)
      if order != 0 { return order }
    case .sysv(let idA, let keyA):
      guard case .sysv(let idB, let keyB) = b.object.identity else { return 1 }
      if idA != idB { return idA < idB ? -1 : 1 }
      if keyA != keyB { return keyA < keyB ? -1 : 1 }
    }
    let (fileA, fileB) = (a.object.file?.inode ?? 0, b.object.file?.inode ?? 0)
    return fileA == fileB ? 0 : fileA < fileB ? -1 : 1
  }

  /// As `lexicographicallyPrecedes` orders bytes, in one memcmp.
  private static func bytesOrder(_ a: [UInt8], _ b: [UInt8]) -> Int {
    let common = min(a.count, b.count)
    let order = a.withUnsafeBytes { pa in
      b.withUnsafeBytes { pb in common == 0 ? 0 : memcmp(pa.baseAddress!, pb.baseAddress!, common) }
    }
    if order != 0 { return order < 0 ? -1 : 1 }
    return a.count == b.count ? 0 : a.count < b.count ? -1 : 1
  }
}

extension WatchSample {
  /// The entries in watch order: as they are when they are already (one namespace's listing),
  /// else sorted (namespaces read one after another).
  var ordered: [Entry] {
    // A plain loop over the array: zip, or a closure reading the entries, copied each of them
    // (a retain and a release of its name apiece), tens of thousands each refresh.
    let entries = self.entries
    var index = 1
    while index < entries.count, Entry.compare(entries[index - 1], entries[index]) < 0 {
      index += 1
    }
    return index >= entries.count ? entries : entries.sorted { Entry.compare($0, $1) < 0 }
  }
}
