import IPCKit
import Testing

/// How a USERS cell names a process: whole when short; when long, the script name and the
/// options stay in sight.
@Suite struct ProcessRefTests {
  func shown(_ command: String) -> String {
    ProcessRef(pid: 1, commandBytes: Array(command.utf8)).shortCommand
  }

  @Test func shortCommandsAreShownWhole() {
    #expect(shown("postgres: checkpointer") == "postgres: checkpointer")
    #expect(shown("/usr/bin/sleep 1000") == "/usr/bin/sleep 1000")
  }

  @Test func longCommandsKeepTheScriptNameAndOptions() {
    #expect(shown("/srv/venv/bin/python /srv/app/workers/ingest.py --queue jobs")
      == "python …/ingest.py --queue jobs")
    // Two workers of one interpreter are told apart by their scripts.
    #expect(shown("/srv/venv/bin/python /srv/app/workers/billing_worker.py --queue billing")
      != shown("/srv/venv/bin/python /srv/app/workers/email_worker.py --queue billing"))
    // Still too long: cut at the end, never inside a character.
    let long = shown("/usr/bin/java -Xmx4g -Dname=é" + String(repeating: "x", count: 60) + " Main")
    #expect(long.hasPrefix("java -Xmx4g -Dname=é") && long.hasSuffix("…"), "\(long)")
    #expect(long.utf8.count <= ProcessRef.shownBytes + "…".utf8.count, "\(long)")
    let accented = shown("prog " + String(repeating: "é", count: 40))
    #expect(!accented.contains("\\x"), "\(accented)")
  }
}
