import Glibc
@testable import IPCKit
import Testing

@testable import IPCToolCLI

/// `list`'s columns: every name lsipc 2.43 accepts works with -o and shows what lsipc's does,
/// and each column sorts by the value it shows.
@Suite struct ListColumnTests {

  static func column(_ name: String) throws(UsageError) -> ListColumn {
    try ListCommand.column(name, for: ListCommand.output.spec, nil)
  }

  static var context: ListContext { ListContext(users: UserNames(), exactBytes: true) }
  /// A pid no process has (above pid_max's ceiling): shown as the number alone.
  static let gonePID: pid_t = 4_194_305

  static func queue() -> IPCObjectInfo {
    var details = SysVQueueDetails()
    details.lastSendPID = gonePID
    details.lastReceivePID = gonePID + 1
    details.lastSend = 100
    details.lastReceive = 200
    details.bytes = 300
    details.messages = 2
    var object = IPCObjectInfo(
      .sysv(id: 7, key: 0x1e240), uid: 0, gid: 0, permissions: .init(rawValue: 0o600),
      details: .sysvQueue(details))
    object.creator = .init(uid: 0, gid: 0)
    return object
  }

  static func semaphore() throws -> IPCObjectInfo {
    IPCObjectInfo(
      .named(try IPCName(parsing: "/lock")), uid: 0, gid: 0, permissions: .init(rawValue: 0o600),
      details: .posixSemaphore(PosixSemaphoreDetails(value: 7, modified: 1_000_000_000)))
  }

  static func segment(creator: pid_t) -> IPCObjectInfo {
    var details = SysVSegmentDetails()
    details.creatorPID = creator
    details.size = 4096
    return IPCObjectInfo(
      .sysv(id: 3, key: 0), uid: 0, gid: 0, permissions: .init(rawValue: 0o600),
      details: .sysvSharedMemory(details))
  }

  @Test(arguments: ListColumn.lsipcColumns)
  func everyLsipcColumnNameWorks(name: String) throws {
    let column = try Self.column(name)
    #expect(try Self.column(name.lowercased()).name == column.name)
  }

  /// LSPID and LRPID are two columns, as `ipcs -p` shows them; SVAL a POSIX semaphore's value;
  /// NAME the POSIX name; MTIME its file's modification; COMMAND a segment's creator's
  /// command line; USEDBYTES the bytes queued (SIZE, for a queue).
  @Test func lsipcColumnsShowWhatLsipcShows() throws {
    let queue = Self.queue()
    #expect(try Self.column("LSPID").value(queue, Self.context) == String(Self.gonePID))
    #expect(try Self.column("LRPID").value(queue, Self.context) == String(Self.gonePID + 1))
    #expect(try Self.column("USEDBYTES").value(queue, Self.context) == "300")
    let semaphore = try Self.semaphore()
    #expect(try Self.column("SVAL").value(semaphore, Self.context) == "7")
    #expect(try Self.column("SVAL").value(queue, Self.context) == "-")
    #expect(try Self.column("NAME").value(semaphore, Self.context) == "/lock")
    #expect(try Self.column("NAME").value(queue, Self.context) == "-")
    #expect(try Self.column("MTIME").value(semaphore, Self.context) == TimeTexts().text(1_000_000_000))
    #expect(try Self.column("MTIME").value(queue, Self.context) == "-")
    let mine = try #require(ProcessRef.reading(getpid(), proc: "/proc"))
    #expect(try Self.column("COMMAND").value(Self.segment(creator: getpid()), Self.context) == mine.command)
    #expect(try Self.column("COMMAND").value(Self.segment(creator: Self.gonePID), Self.context) == "-")
    #expect(try Self.column("COMMAND").value(queue, Self.context) == "-")
  }

  /// lsipc --global's columns are ipctool limits' table, and say so.
  @Test(arguments: ["RESOURCE", "DESCRIPTION", "LIMIT", "USED", "USE%"])
  func globalColumnsPointToLimits(name: String) {
    #expect(throws: UsageError.self) { try Self.column(name) }
    do throws(UsageError) {
      _ = try Self.column(name)
    } catch {
      #expect(error.line.contains("ipctool limits"), "\(error.line)")
    }
  }

  /// Pids, times and counts sort as numbers (9 before 10), names as text.
  @Test(arguments: ["lspid", "lrpid", "value", "modified"])
  func numericColumnsSortAsNumbers(name: String) throws {
    let column = try Self.column(name)
    let object = name == "value" || name == "modified" ? try Self.semaphore() : Self.queue()
    guard case .number = column.sortKey(object, Self.context) else {
      Issue.record("\(name) sorts as \(column.sortKey(object, Self.context))")
      return
    }
  }

  /// Every column is named once, no lsipc name is taken by two columns, and each is lsipc's.
  @Test func namesAreUnique() {
    let names = ListColumn.all.map(\.name) + ListColumn.all.flatMap(\.lsipcNames)
    #expect(Set(names).count == names.count, "\(names)")
    for name in ListColumn.all.flatMap(\.lsipcNames) {
      #expect(ListColumn.lsipcColumns.contains(name.uppercased()), "\(name) is not lsipc's")
    }
  }

  /// Segments of every size unit and hostile names (bytes that are not UTF-8, a newline, a
  /// backslash, a quote, a space, CJK, an emoji, a bidi override), semaphores with and without
  /// a value, and times around each of IDLE's units.
  static func writtenObjects(now: Int) throws -> [IPCObjectInfo] {
    let names: [[UInt8]] = [
      Array("plain".utf8), [0x76, 0xFF], Array("a\nb".utf8), Array("a\\b".utf8), Array("it's a b".utf8),
      Array("日本語".utf8), Array("😀x".utf8), Array("e\u{301}".utf8), Array("\u{202E}rtl".utf8),
    ]
    let sizes: [UInt64] = [0, 1, 1023, 1024, 4096, 10_188, 10_239, 10_240, 1_048_575, 5_000_000_000, .max]
    let ages = [-5, 0, 1, 119, 120, 7199, 7200, 172_799, 172_800, 10_000_000]
    var objects: [IPCObjectInfo] = []
    for (index, bytes) in names.enumerated() {
      let name = try IPCName(bytes: [UInt8(ascii: "/")] + bytes)
      var segment = IPCObjectInfo(
        .named(name), uid: 0, gid: 0, permissions: .init(rawValue: 0o640),
        details: .posixSharedMemory(PosixSegmentDetails(size: sizes[index % sizes.count], residentBytes: 0)))
      segment.changed = now - ages[index % ages.count]
      var semaphore = IPCObjectInfo(
        .named(name), uid: 4_000_000, gid: 0, permissions: .init(rawValue: 0o777),
        details: .posixSemaphore(PosixSemaphoreDetails(value: index.isMultiple(of: 2) ? 7 : nil)))
      semaphore.changed = now - ages[(index + 3) % ages.count]
      objects += [segment, semaphore]
    }
    for size in sizes {
      objects.append(
        IPCObjectInfo(
          .named(try IPCName(parsing: "/s")), uid: 0, gid: 0, permissions: .init(rawValue: 0),
          details: .posixSharedMemory(PosixSegmentDetails(size: size, residentBytes: 0))))
    }
    for age in ages {
      var queue = queue()
      queue.changed = now - age
      objects.append(queue)
    }
    return objects + [try semaphore(), segment(creator: gonePID), segment(creator: getpid())]
  }

  /// A column that writes its cells as bytes (`ListColumn.write`) writes exactly the text its
  /// `value` makes, for every kind, size unit, time and hostile name.
  @Test(arguments: ListColumn.all.filter { $0.write != nil }.map(\.name), [false, true])
  func writtenCellsAreTheValues(column name: String, exactBytes: Bool) throws {
    let column = try #require(ListColumn.named(name))
    let write = try #require(column.write)
    var context = Self.context
    context.exactBytes = exactBytes
    for object in try Self.writtenObjects(now: context.now) {
      let out = ByteBuffer()
      write(object, context, out)
      #expect(out.string == column.value(object, context), "\(object)")
    }
  }
}
