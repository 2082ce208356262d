import Foundation
import IPCKit
import TestSupport
import Testing

/// contrib/prometheus's alert rules: valid, their own unit tests pass under the real promtool,
/// and every ipctool series they name is one `metrics` exposes.
@Suite struct AlertRulesTests {
  static let folder = "\(repository)/contrib/prometheus"
  static let promtool: String? = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first {
    FileManager.default.isExecutableFile(atPath: $0)
  }

  @Test(.enabled(if: AlertRulesTests.promtool != nil, "needs promtool (Debian package prometheus)"))
  func promtoolTestsPass() throws {
    let promtool = try #require(Self.promtool)
    let checked = try runProgram(promtool, ["check", "rules", "\(Self.folder)/ipctool-alerts.yml"])
    #expect(checked.status == 0, "\(checked)")
    let tested = try runProgram(
      promtool, ["test", "rules", "\(Self.folder)/ipctool-alerts.test.yml"])
    #expect(tested.status == 0 && tested.stdout.contains("SUCCESS"), "\(tested)")
  }

  @Test func rulesNameOnlyExposedSeries() throws {
    let rules = try String(contentsOfFile: "\(Self.folder)/ipctool-alerts.yml", encoding: .utf8)
    let named = Set(rules.matches(of: /ipctool_[a-z_]+/).map { String($0.output) })
    #expect(named.count >= 4, "\(named)")
    let exposed = Set(Metric.allCases.map(\.rawValue))
    #expect(named.subtracting(exposed).isEmpty, "not exposed: \(named.subtracting(exposed))")
  }
}
