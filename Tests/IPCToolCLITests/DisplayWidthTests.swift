import Testing

@testable import IPCToolCLI

/// The columns a terminal gives text, as lsipc pads by them: East Asian wide and emoji two,
/// combining marks none, whatever the locale.
@Suite struct DisplayWidthTests {
  @Test(arguments: [
    ("ascii", 5), ("", 0),
    ("日本語", 6), ("한국", 4), ("ｶﾅ", 2), ("ＡＢ", 4), ("〜", 2),
    ("😀", 2), ("🐧x", 3), ("❤\u{FE0F}", 2), ("❤", 1), ("👍\u{1F3FD}", 4),
    ("e\u{301}", 1), ("a\u{20DD}", 1), ("a\u{200D}b", 2), ("x\u{200B}y", 2),
    ("\u{1100}\u{1161}\u{11A8}", 2), ("ก\u{E31}", 1), ("\u{20000}", 2),
  ])
  func widthIsTheColumnsATerminalGives(text: String, columns: Int) {
    #expect(displayWidth(text) == columns, "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
  }

  /// Elided to fit: never wider than asked, a wide character that does not fit left out whole,
  /// a combining mark kept with its letter, and the ellipsis at the end.
  @Test(arguments: [
    ("posix-shm:/日本語", 14, "posix-shm:/日…"), ("posix-shm:/日本語", 15, "posix-shm:/日…"), ("posix-shm:/日本語", 16, "posix-shm:/日本…"),
    ("/e\u{301}e\u{301}e\u{301}", 4, "/e\u{301}e\u{301}…"), ("/😀😀", 4, "/😀…"), ("/abc", 1, "…"),
  ])
  func elisionCountsColumns(text: String, width: Int, expected: String) {
    let elided = elide(text, to: width)
    #expect(elided == expected)
    #expect(displayWidth(elided) <= width)
  }
}
