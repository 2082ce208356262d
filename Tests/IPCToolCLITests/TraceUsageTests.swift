import Testing

@testable import IPCToolCLI

/// trace's and why's bad input: one line, exit 2, before anything is set up.
@Suite struct TraceUsageTests {
  @Test(arguments: [
    (["trace", "--only", "creat"], "ipctool: unknown action 'creat' for '--only'; did you mean 'create'? (see 'ipctool trace --help')\n"),
    (["trace", "--count", "0"], "ipctool: invalid value '0' for '--count': expected a positive number (see 'ipctool trace --help')\n"),
    (["trace", "--duration", "soon"], "ipctool: invalid value 'soon' for '--duration': expected a positive time such as 30s, 10m or 2h (see 'ipctool trace --help')\n"),
    // A trace that ends before it starts would only print its header.
    (["trace", "--duration", "0s"], "ipctool: invalid value '0s' for '--duration': expected a positive time such as 30s, 10m or 2h (see 'ipctool trace --help')\n"),
    (["trace", "--pid", "-4"], "ipctool: invalid value '-4' for '--pid': expected a process id (see 'ipctool trace --help')\n"),
    (["why", "sysv-shm:nope"], nil),
  ])
  func badInputIsOneLineAndExitTwo(arguments: [String], line: String?) {
    let run = inProcess(arguments)
    #expect(run.status == 2, "\(run)")
    #expect(run.out == "")
    #expect(run.err.split(separator: "\n").count == 1, "\(run.err)")
    if let line { #expect(run.err == line) }
  }
}
