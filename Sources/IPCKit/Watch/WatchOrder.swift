import Glibc

extension WatchSample.Entry {
  /// The order a watch keeps its objects in, and matches two samples by: namespace inode,
  /// kind (listing order), name bytes or id and key, file inode. A listing of one namespace
  /// is already in it; the same object in two samples compares equal, and only it.
  static func compare(_ a: Self, _ b: Self) -> Int {
    withUnsafePointer(to: a) { a in withUnsafePointer(to: b) { b in compare(a, b) } }
  }

  /// As `compare(_:_:)`, for entries where they are stored (an array's buffer): only the
  /// fields compared are read. Given entries, even inlined, it was given copies of both (a
  /// retain and a release of their every name and list), tens of thousands of times a refresh.
  static func compare(_ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>) -> Int {
    let (inodeA, inodeB) = (a.pointee.namespace?.inode, b.pointee.namespace?.inode)
    if inodeA != inodeB { return (inodeA ?? 0) < (inodeB ?? 0) ? -1 : 1 }
    let (kindA, kindB) = (a.pointee.object.kind, b.pointee.object.kind)
    if kindA != kindB { return kindA < kindB ? -1 : 1 }
    // One identity at a time, not a tuple of both: a tuple copied each name (a retain and a
    // release apiece), and a refresh compares tens of thousands of pairs.
    switch a.pointee.object.identity {
    case .named(let nameA):
      guard case .named(let nameB) = b.pointee.object.identity else { return -1 }
      let order = bytesOrder(nameA.fileName, nameB.fileName)
      if order != 0 { return order }
    case .sysv(let idA, let keyA):
      guard case .sysv(let idB, let keyB) = b.pointee.object.identity else { return 1 }
      if idA != idB { return idA < idB ? -1 : 1 }
      if keyA != keyB { return keyA < keyB ? -1 : 1 }
    }
    let (fileA, fileB) = (a.pointee.object.file?.inode ?? 0, b.pointee.object.file?.inode ?? 0)
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
    // Read in place through the buffer: zip, a closure reading the entries, or the array's
    // own subscript copied each of them (a retain and a release of its name apiece), tens of
    // thousands each refresh.
    let entries = self.entries
    let inOrder = entries.withUnsafeBufferPointer { entries in
      var index = 1
      while index < entries.count,
        Entry.compare(entries.baseAddress! + index - 1, entries.baseAddress! + index) < 0
      {
        index += 1
      }
      return index >= entries.count
    }
    return inOrder ? entries : entries.sorted { Entry.compare($0, $1) < 0 }
  }
}
