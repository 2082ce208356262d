/// Breaks text into lines of at most `width` characters at spaces.
func wrap(_ text: String, width: Int) -> [String] {
  var lines: [String] = []
  var line = ""
  for word in text.split(separator: " ", omittingEmptySubsequences: true) {
    if !line.isEmpty && line.count + 1 + word.count > width {
      lines.append(line)
      line = ""
    }
    line += line.isEmpty ? String(word) : " " + word
  }
  if !line.isEmpty || lines.isEmpty { lines.append(line) }
  return lines
}

/// "  label     help..." with help starting at column 26 and wrapped under itself.
func labelled(_ label: String, _ help: String, width: Int) -> String {
  // Too narrow for two columns: the help goes under the label.
  let column = width - 26 >= 20 ? 26 : 6
  let helpLines = wrap(help, width: width - column)
  var text = "  " + label
  if text.count >= column || column < 26 {
    text += "\n" + String(repeating: " ", count: column)
  } else {
    text += String(repeating: " ", count: column - text.count)
  }
  text += helpLines.joined(separator: "\n" + String(repeating: " ", count: column))
  return text + "\n"
}
