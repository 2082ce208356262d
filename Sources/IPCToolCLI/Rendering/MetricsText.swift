import IPCKit

/// Metric families in Prometheus's text exposition format (version 0.0.4): HELP and TYPE
/// lines, then one line per sample.
enum MetricsText {
  static func render(_ families: [MetricFamily]) -> String {
    var out = ""
    for family in families where !family.samples.isEmpty {
      let name = family.metric.rawValue
      out += "# HELP \(name) \(escapedHelp(MetricsWording.help(family.metric)))\n"
      out += "# TYPE \(name) gauge\n"
      for sample in family.samples {
        out += name
        if !sample.labels.isEmpty {
          out += "{"
          out += sample.labels.map { "\($0.name)=\"\(labelValue($0.value))\"" }
            .joined(separator: ",")
          out += "}"
        }
        out += " " + value(sample.value) + "\n"
      }
    }
    return out
  }

  /// A label's bytes as the exposition format takes them: first made valid, printable UTF-8 by
  /// the escaping every ipctool output uses (`\xff`, `\n`, a backslash doubled), so the value
  /// read back is the name as `list` shows it; then the format's own escapes for backslash,
  /// double quote and newline.
  static func labelValue(_ bytes: [UInt8]) -> String {
    let text =
      Escaping.isPlain(bytes) ? String(decoding: bytes, as: UTF8.self) : Escaping.escape(bytes)
    guard text.contains(where: { $0 == "\\" || $0 == "\"" || $0 == "\n" }) else { return text }
    var out = ""
    for character in text {
      switch character {
      case "\\": out += "\\\\"
      case "\"": out += "\\\""
      case "\n": out += "\\n"
      default: out.append(character)
      }
    }
    return out
  }

  /// HELP text escapes backslash and newline only.
  static func escapedHelp(_ text: String) -> String {
    var out = ""
    for character in text {
      switch character {
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      default: out.append(character)
      }
    }
    return out
  }

  static func value(_ value: MetricValue) -> String {
    switch value {
    case .count(let count): String(count)
    case .measure(let measure): measure.isFinite ? String(measure) : "NaN"
    case .unlimited: "+Inf"
    }
  }
}
