/// The columns a terminal gives text, as lsipc pads its table (libsmartcols counts wcwidth):
/// East Asian wide and fullwidth characters and emoji take two, combining marks and format
/// characters none, everything else one. Cells are escaped already, so no control is left.
///
/// A table of our own, not wcwidth(3): wcwidth answers by the locale (-1 for every non-ASCII
/// character in the C locale ipctool runs in, and another Unicode version in each glibc), and
/// a table must line up the same wherever it is printed, as names are escaped the same. The
/// marks, format characters and emoji come from the Swift runtime's own Unicode properties;
/// East Asian Width, which it does not carry, from `wideRanges`.
func displayWidth(_ text: String) -> Int {
  // Nearly every cell is ASCII: its bytes are its columns. (Read in place: `withUTF8` on a
  // copy retained and released it for each of a listing's cells, twice.)
  let ascii = text.utf8.withContiguousStorageIfAvailable { bytes in
    bytes.allSatisfy { $0 < 0x80 } ? bytes.count : nil
  }
  if let ascii = ascii ?? nil { return ascii }
  var width = 0
  var narrowEmoji = false
  for scalar in text.unicodeScalars {
    var columns = columnsOf(scalar)
    // U+FE0F asks for the emoji form of a text-style emoji (U+2764 HEAVY BLACK HEART), which
    // terminals draw two columns wide.
    if scalar == "\u{FE0F}" && narrowEmoji { columns = 1 }
    width += columns
    narrowEmoji = columns == 1 && scalar.properties.isEmoji
  }
  return width
}

/// `text` cut to at most `width` columns, ending in "…": whole characters and whole escapes
/// only (a wide one that does not fit is left out, a mark stays with its letter, `\xff` is
/// never left as `\x`).
func elide(_ text: String, to width: Int) -> String {
  cutWhole(text, to: width - 1) + "…"
}

/// The start of `text` at most `width` columns wide, cut between characters and escapes only.
func cutWhole(_ text: String, to width: Int) -> String {
  var kept = ""
  var used = 0
  var index = text.startIndex
  while index < text.endIndex {
    let end = escapedUnitEnd(text, from: index)
    let unit = text[index..<end]
    let columns = displayWidth(String(unit))
    guard used + columns <= width else { break }
    kept += unit
    used += columns
    index = end
  }
  return kept
}

/// Where the character at `start` ends, or the escape it starts (`Escaping`'s `\\`, `\n`,
/// `\xHH`: text reaching a terminal is escaped, so a backslash always starts one).
func escapedUnitEnd(_ text: String, from start: String.Index) -> String.Index {
  var end = text.index(after: start)
  guard text[start] == "\\", end < text.endIndex else { return end }
  let hex = text[end] == "x"
  end = text.index(after: end)
  if hex { end = text.index(end, offsetBy: 2, limitedBy: text.endIndex) ?? text.endIndex }
  return end
}

/// 0, 1 or 2: one scalar's columns.
func columnsOf(_ scalar: Unicode.Scalar) -> Int {
  let value = scalar.value
  if value < 0x300 { return 1 }  // Latin: no mark, nothing wide (U+00AD stays 1, as in glibc)
  // Hangul vowels and final consonants join the syllable's initial (as in glibc's wcwidth).
  if (0x1160...0x11FF).contains(value) || (0xD7B0...0xD7FF).contains(value) { return 0 }
  let properties = scalar.properties
  switch properties.generalCategory {
  case .nonspacingMark, .enclosingMark, .format: return 0
  default: break
  }
  if properties.isEmojiPresentation { return 2 }
  return isWide(value) ? 2 : 1
}

/// Whether a scalar is East Asian Wide or Fullwidth (UAX #11; emoji are found by their own
/// property): ranges merged over unassigned code points, from Unicode 14's EastAsianWidth.txt.
private func isWide(_ value: UInt32) -> Bool {
  guard value >= wideRanges[0].lowerBound else { return false }
  var low = 0
  var high = wideRanges.count - 1
  while low < high {  // the last range starting at or below value
    let middle = (low + high + 1) / 2
    if wideRanges[middle].lowerBound <= value { low = middle } else { high = middle - 1 }
  }
  return wideRanges[low].contains(value)
}

private let wideRanges: [ClosedRange<UInt32>] = [
  0x1100...0x115F,  // Hangul Jamo initial consonants
  0x2329...0x232A,  // angle brackets
  0x2E80...0x303E,  // CJK radicals, Kangxi, ideographic description, CJK symbols
  0x3041...0x3247,  // Hiragana, Katakana, Bopomofo, Hangul compatibility Jamo, Kanbun, ...
  0x3250...0x4DBF,  // enclosed CJK, CJK compatibility, CJK extension A
  0x4E00...0xA4C6,  // CJK unified ideographs, Yi
  0xA960...0xA97C,  // Hangul Jamo extended A
  0xAC00...0xD7A3,  // Hangul syllables
  0xF900...0xFAFF,  // CJK compatibility ideographs
  0xFE10...0xFE19,  // vertical forms
  0xFE30...0xFE6B,  // CJK compatibility forms, small form variants
  0xFF01...0xFF60,  // fullwidth forms
  0xFFE0...0xFFE6,  // fullwidth signs
  0x16FE0...0x1B2FB,  // Tangut, Khitan, Kana supplement and extensions, Nushu
  0x1F200...0x1F2FF,  // enclosed ideographic supplement
  0x20000...0x3FFFD,  // CJK extensions B to H, planes 2 and 3
]
