import IPCKit
import Testing

@testable import IPCToolCLI

/// The exposition format's spelling: escapes, values, HELP and TYPE.
@Suite struct MetricsTextTests {
  @Test func labelValuesAreEscapedTwice() {
    // As list shows the name (\\, \n, \xff), then the format's escapes of those backslashes
    // and of the quote.
    let bytes: [UInt8] = Array("a\"b\\c\nd".utf8) + [0xFF] + Array("é".utf8)
    #expect(MetricsText.labelValue(bytes) == #"a\"b\\\\c\\nd\\xffé"#)
    #expect(MetricsText.labelValue(Array("plain".utf8)) == "plain")
  }

  @Test func rendersFamilies() {
    let text = MetricsText.render([
      MetricFamily(.kernelLimit, [MetricSample([("limit", Array("shmall".utf8))], .unlimited)]),
      MetricFamily(.scrapeErrors, [MetricSample([], .count(2))]),
      MetricFamily(.objects, []),
    ])
    #expect(text == """
      # HELP ipctool_kernel_limit \(MetricsWording.help(.kernelLimit))
      # TYPE ipctool_kernel_limit gauge
      ipctool_kernel_limit{limit="shmall"} +Inf
      # HELP ipctool_scrape_errors \(MetricsWording.help(.scrapeErrors))
      # TYPE ipctool_scrape_errors gauge
      ipctool_scrape_errors 2

      """)
  }

  /// Names as Prometheus asks: the prefix, base units spelled as suffixes, one HELP each.
  @Test func namesFollowTheConventions() {
    for metric in Metric.allCases {
      #expect(metric.rawValue.hasPrefix("ipctool_"))
      #expect(metric.rawValue.allSatisfy { $0.isLowercase || $0 == "_" }, "\(metric.rawValue)")
      #expect(!MetricsWording.help(metric).isEmpty && !MetricsWording.help(metric).contains("\n"))
    }
  }
}
