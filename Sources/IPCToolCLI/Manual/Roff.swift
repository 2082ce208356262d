/// Text made safe for roff: backslashes escaped, and a leading '.' or '\'' kept from reading
/// as a request.
func roff(_ text: String) -> String {
  var out = text.replacing("\\", with: "\\e")
  out = out.replacing("-", with: "\\-")
  if out.hasPrefix(".") || out.hasPrefix("'") { out = "\\&" + out }
  return out
}

/// A paragraph of prose, one sentence per line as man page sources prefer.
func roffParagraph(_ text: String) -> String {
  var lines: [String] = []
  var sentence = ""
  let words = text.split(separator: " ")
  for (index, word) in words.enumerated() {
    sentence += sentence.isEmpty ? String(word) : " " + word
    let ends = word.hasSuffix(".") || word.hasSuffix(":")
    if ends && index + 1 < words.count && words[index + 1].first?.isUppercase == true {
      lines.append(roff(sentence))
      sentence = ""
    }
  }
  if !sentence.isEmpty { lines.append(roff(sentence)) }
  return lines.flatMap { roffLines($0) }.joined(separator: "\n") + "\n"
}

/// Breaks one source line at spaces so no line passes 80 bytes (mandoc's style limit).
func roffLines(_ line: String, width: Int = 79) -> [String] {
  var lines: [String] = []
  var current = ""
  for word in line.split(separator: " ") {
    if !current.isEmpty && current.utf8.count + 1 + word.utf8.count > width {
      lines.append(current)
      current = ""
    }
    current += current.isEmpty ? String(word) : " " + word
  }
  if !current.isEmpty { lines.append(current) }
  // A line starting with '.' or '\'' would read as a request.
  return lines.map { $0.hasPrefix(".") || $0.hasPrefix("'") ? "\\&" + $0 : $0 }
}
