import Glibc
import Testing
import TestSupport

@testable import IPCKit

/// The wrappers in Sources/IPCKit/System/ do what their names promise, against the real kernel.
@Suite struct SystemWrapperTests {
  /// Both ends of a pipe and of a socket pair are close-on-exec from the start (pipe2 and
  /// SOCK_CLOEXEC: no fcntl afterwards, which a fork in between would outrun).
  @Test func descriptorPairsAreCloseOnExec() throws {
    let (readEnd, writeEnd) = try Descriptors.pipe()
    let (left, right) = try Descriptors.socketPair()
    defer { for fd in [readEnd, writeEnd, left, right] { Descriptors.close(fd) } }
    for fd in [readEnd, writeEnd, left, right] {
      #expect(fcntl(fd, F_GETFD) & FD_CLOEXEC != 0, "descriptor \(fd)")
    }
  }

  /// A byte sent on one end of a socket pair is received on the other; a closed peer reads 0.
  @Test func socketPairCarriesAByte() throws {
    let (left, right) = try Descriptors.socketPair()
    defer { Descriptors.close(right) }
    var byte: UInt8 = 42
    #expect(withUnsafeBytes(of: &byte) { Descriptors.send(left, $0) } == .success(1))
    var received: UInt8 = 0
    func receive() -> Result<Int, Errno> {
      withUnsafeMutableBytes(of: &received) { Descriptors.receive(right, into: $0) }
    }
    #expect(receive() == .success(1))
    #expect(received == 42)
    Descriptors.close(left)
    #expect(receive() == .success(0))
  }

  /// stat's wrappers give the errno as a value: a missing path is ENOENT, never a crash.
  @Test func statFailuresAreValues() throws {
    let missing = SystemError(
      call: "stat", subject: "/nonexistent-ipctool", code: .noSuchFileOrDirectory)
    #expect(throws: missing) {
      try FileStatus.of("/nonexistent-ipctool")
    }
    let root = try FileStatus.of("/")
    #expect(root.st_mode & S_IFMT == S_IFDIR)
  }

  /// Signal 0 finds this process and not a pid that cannot exist.
  @Test func processExistsAsKillSays() {
    #expect(Signals.processExists(getpid()))
    #expect(!Signals.processExists(Int32.max))
  }
}
