import Foundation
@testable import IPCKit
import TestSupport
import Testing

@testable import IPCToolCLI

/// The JSON contract is one table (`JSONContract`): what `list --json` and `inspect --json`
/// write for each kind is exactly what it says, every column's fields are in it, and the man
/// page's and README's lists are made from it.
@Suite struct JSONContractTests {
  static func sample(_ kind: IPCKind) throws -> IPCObjectInfo {
    let details: Details =
      switch kind {
      case .posixQueue: .posixQueue(PosixQueueDetails())
      case .sysvQueue: .sysvQueue(SysVQueueDetails())
      case .posixSharedMemory: .posixSharedMemory(PosixSegmentDetails(size: 1, residentBytes: 0))
      case .sysvSharedMemory: .sysvSharedMemory(SysVSegmentDetails())
      case .posixSemaphore: .posixSemaphore(PosixSemaphoreDetails(value: 0))
      case .sysvSemaphore: .sysvSemaphore(SysVSemaphoreSetDetails())
      }
    var object = IPCObjectInfo(
      kind.isNamed ? .named(try IPCName(parsing: "/x")) : .sysv(id: 1, key: 2), uid: 0, gid: 0,
      permissions: .init(rawValue: 0o600), details: details)
    if !kind.isNamed { object.creator = .init(uid: 0, gid: 0) }
    return object
  }

  /// The keys the renderer writes for one object.
  static func written(_ object: IPCObjectInfo, _ fields: ObjectFields, detail: Bool) -> Set<String> {
    var sink = TextSink()
    fields.visit(object, detail: detail, into: &sink)
    return Set(sink.lines.map(\.key))
  }

  @Test(arguments: IPCKind.allCases)
  func whatIsWrittenIsWhatTheContractSays(kind: IPCKind) throws {
    let object = try Self.sample(kind)
    var fields = ObjectFields(users: UserNames())
    #expect(Self.written(object, fields, detail: false) == JSONContract.keys(kind, [.list]))
    fields.withUsers = true
    #expect(Self.written(object, fields, detail: false) == JSONContract.keys(kind, [.list, .users]))
    fields.namespace = (4026531839, nil)
    #expect(Self.written(object, fields, detail: false)
      == JSONContract.keys(kind, [.list, .users, .allNamespaces]))
    #expect(Self.written(object, ObjectFields(users: UserNames()), detail: true)
      == JSONContract.keys(kind, [.list, .users, .inspect]))
  }

  /// `list --json -o COLUMN` keeps the fields a column names: each is a field of the contract.
  @Test func everyColumnsFieldsAreInTheContract() {
    let all = Set(JSONContract.fields.map(\.key))
    for column in ListColumn.all {
      #expect(!column.jsonKeys.isEmpty, "\(column.name)")
      for key in column.jsonKeys { #expect(all.contains(key), "\(column.name): \(key)") }
    }
  }

  /// The README's tables are the ones the description makes: regenerate them from
  /// `JSONContract.readmeKindTable` and `ListColumn.readmeTable` when this fails.
  @Test func readmeTablesAreGenerated() throws {
    let readme = try String(contentsOfFile: "\(repository)/README.md", encoding: .utf8)
    let kinds = readme.contains(JSONContract.readmeKindTable)
    #expect(kinds, "README's per-kind JSON table:\n\(JSONContract.readmeKindTable)")
    let columns = readme.contains(ListColumn.readmeTable)
    #expect(columns, "README's column table:\n\(ListColumn.readmeTable)")
    for key in Set(JSONContract.fields.map(\.key)) {
      let named = readme.contains("`\(key)`")
      #expect(named, "README names no field \(key)")
    }
  }

  /// The man page names each kind's fields from the table, and every column with its lsipc
  /// names and fields.
  @Test func manPageListsAreGenerated() {
    let man = inProcess(["__manpage"]).out
    for kind in IPCKind.allCases {
      for key in JSONContract.keys(kind, Set(JSONField.Scope.allCases)) {
        let named = man.contains(roff(key))
        #expect(named, "\(key) in the man page")
      }
    }
    for column in ListColumn.all {
      let named = man.contains(".B \(roff(column.name))\n")
      #expect(named, "\(column.name) in the man page")
      for name in column.lsipcNames {
        let lsipc = man.contains(roff(name.uppercased()))
        #expect(lsipc, "\(name)")
      }
    }
  }
}
