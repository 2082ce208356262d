import Testing

@testable import IPCKit

@Suite struct IPCPermissionsTests {
  @Test func showsAsLsDoes() {
    #expect(IPCPermissions(rawValue: 0o640).description == "rw-r-----")
    #expect(IPCPermissions(rawValue: 0o1777).description == "rwxrwxrwx")
    #expect(IPCPermissions(rawValue: 0o600).octal == "0600")
    #expect(IPCPermissions(rawValue: 0o7).octal == "0007")
  }

  @Test func parsesOctal() {
    #expect(IPCPermissions(octal: "0640")?.rawValue == 0o640)
    #expect(IPCPermissions(octal: "600")?.rawValue == 0o600)
    #expect(IPCPermissions(octal: "0800") == nil)
    #expect(IPCPermissions(octal: "1777") == nil)
    #expect(IPCPermissions(octal: "") == nil)
  }
}
