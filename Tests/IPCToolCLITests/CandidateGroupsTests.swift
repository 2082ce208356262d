import Testing

@testable import IPCToolCLI

/// What a TAB offers past `CandidateGroups.limit` candidates: groups a shell can take in, each
/// covering exactly its members, none offered twice, and as long as the limit allows.
@Suite struct CandidateGroupsTests {
  static func candidates(_ names: [String]) -> [(String, String)] { names.map { ($0, "posix-shm") } }

  /// Whether `prefix` starts `value`, byte for byte.
  static func starts(_ value: String, _ prefix: String) -> Bool { value.utf8.starts(with: prefix.utf8) }

  /// Every name under exactly one offer (a group it starts with, or itself), the groups' counts
  /// adding up, no offer twice, no more offers than the limit.
  static func checkCovers(_ names: [String], _ offers: [CandidateGroups.Candidate]) {
    #expect(offers.count <= CandidateGroups.limit)
    #expect(Set(offers.map(\.value)).count == offers.count, "an offer twice: \(offers.map(\.value))")
    var covered = 0
    for offer in offers {
      let members = names.filter { offer.isGroup ? starts($0, offer.value) : $0 == offer.value }
      if offer.isGroup {
        #expect(offer.description == "\(members.count) matches, type more")
        #expect(members.count > 1)
      }
      covered += members.count
    }
    #expect(covered == names.count, "offers overlap or miss names")
  }

  @Test func fewCandidatesAreOfferedAsTheyCome() {
    let names = (0..<CandidateGroups.limit).map { "/z\($0)" }
    let offers = CandidateGroups.fit(Self.candidates(names))
    #expect(offers.map(\.value) == names)
    #expect(offers.allSatisfy { !$0.isGroup && $0.description == "posix-shm" })
  }

  /// 1,000 names /bench_shm_0 ... /bench_shm_999: the ten-name groups /bench_shm_10 ... are 100
  /// offers, within the limit; the next longer prefixes (single names, 1,000) are not.
  @Test func manyNamesAreGroupedByTheLongestPrefixesWithinTheLimit() {
    let names = (0..<1000).map { "/bench_shm_\($0)" }
    let offers = CandidateGroups.fit(Self.candidates(names))
    Self.checkCovers(names, offers)
    #expect(offers.contains { $0.value == "/bench_shm_12" && $0.isGroup && $0.description == "11 matches, type more" })
    // /bench_shm_1 alone (no longer name starts it and it starts the group /bench_shm_1*):
    // each group is as long as what all its members share.
    for offer in offers where offer.isGroup {
      let members = names.filter { Self.starts($0, offer.value) }
      let longer = members.allSatisfy { $0.utf8.count > offer.value.utf8.count }
        && Set(members.map { $0.utf8.dropFirst(offer.value.utf8.count).first }).count == 1
      #expect(!longer, "\(offer.value) could be longer")
    }
  }

  @Test func singlesBesideGroupsStayWhole() {
    let names = (0..<300).map { "/job_\($0 / 10)_\($0 % 10)" } + ["/lone"]
    let offers = CandidateGroups.fit(Self.candidates(names))
    Self.checkCovers(names, offers)
    #expect(offers.contains { $0.value == "/lone" && !$0.isGroup && $0.description == "posix-shm" })
  }

  /// Names that differ only inside a character (U+4E00 ... U+4EFF are E4 B8 80 ... E4 BB BF):
  /// a group is never cut inside a character, and no two groups shrink to the same offer.
  @Test func groupsNeverSplitACharacterNorRepeat() throws {
    let names = (0x4E00..<0x4F00).compactMap { Unicode.Scalar($0).map { "/" + String($0) } }
    let offers = CandidateGroups.fit(Self.candidates(names))
    Self.checkCovers(names, offers)
    for offer in offers { #expect(String(validating: Array(offer.value.utf8), as: UTF8.self) != nil) }
  }

  /// The same word twice (two kinds' candidates) is offered once.
  @Test func aWordIsOfferedOnce() {
    let names = (0..<150).flatMap { ["/same_\($0)", "/same_\($0)"] }
    let offers = CandidateGroups.fit(Self.candidates(names))
    Self.checkCovers(names, offers)
  }
}
