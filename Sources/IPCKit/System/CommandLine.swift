import CIPCShims
import Glibc

/// The command line as the kernel passed it to this process.
public enum ProcessArguments {
  /// The arguments after the program name, as bytes: nothing decoded, nothing lost.
  ///
  /// Read from what glibc hands a constructor (in CIPCShims): Swift's `CommandLine` has them
  /// as Strings, with bytes that are not UTF-8 already repaired.
  public static var afterProgramName: [[UInt8]] {
    guard let argv = ipcshim_argv() else { return [] }
    return (1..<max(1, Int(ipcshim_argc()))).compactMap { index in
      argv[index].map { Array(UnsafeRawBufferPointer(start: $0, count: strlen($0))) }
    }
  }
}
