/// Prometheus text format read back: each sample's name, labels (unescaped) and value, so a
/// test checks what a scraper would see rather than the spelling of the lines.
struct ExposedMetrics {
  struct Sample {
    var name: String
    var labels: [String: String]
    var value: Double
  }

  var samples: [Sample] = []
  /// Metric names with a HELP line and a TYPE line.
  var described: Set<String> = []
  /// Lines that did not parse: a test expects none.
  var malformed: [String] = []

  init(_ text: String) {
    var help: Set<String> = []
    var type: Set<String> = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
      let words = line.split(separator: " ", maxSplits: 3)
      if line.hasPrefix("# HELP "), words.count >= 3 { help.insert(String(words[2])); continue }
      if line.hasPrefix("# TYPE "), words.count == 4 { type.insert(String(words[2])); continue }
      guard let sample = Self.sample(Array(line)) else {
        malformed.append(String(line))
        continue
      }
      samples.append(sample)
    }
    described = help.intersection(type)
  }

  /// `name{label="value",...} value`, with the format's escapes (\\, \", \n) undone.
  private static func sample(_ line: [Character]) -> Sample? {
    var index = 0
    var name = ""
    while index < line.count, line[index] != "{", line[index] != " " {
      name.append(line[index])
      index += 1
    }
    var labels: [String: String] = [:]
    if index < line.count, line[index] == "{" {
      index += 1
      while index < line.count, line[index] != "}" {
        var label = ""
        while index < line.count, line[index] != "=" { label.append(line[index]); index += 1 }
        guard index + 1 < line.count, line[index + 1] == "\"" else { return nil }
        index += 2
        var value = ""
        while index < line.count, line[index] != "\"" {
          if line[index] == "\\" {
            guard index + 1 < line.count else { return nil }
            switch line[index + 1] {
            case "\\": value.append("\\")
            case "\"": value.append("\"")
            case "n": value.append("\n")
            default: return nil
            }
            index += 2
          } else {
            value.append(line[index])
            index += 1
          }
        }
        guard index < line.count else { return nil }
        index += 1
        labels[label] = value
        if index < line.count, line[index] == "," { index += 1 }
      }
      index += 1
    }
    guard index < line.count, line[index] == " " else { return nil }
    let text = String(line[(index + 1)...])
    guard let value = text == "+Inf" ? Double.infinity : Double(text) else { return nil }
    return Sample(name: name, labels: labels, value: value)
  }

  /// The values of `name` whose labels include `labels`.
  func values(_ name: String, _ labels: [String: String] = [:]) -> [Double] {
    samples.filter { sample in
      sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
    }.map(\.value)
  }

  /// The one value of `name` with `labels`; nil if none or several.
  func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
    let found = values(name, labels)
    return found.count == 1 ? found[0] : nil
  }
}
