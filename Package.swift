// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "ipctool",
  products: [
    .executable(name: "ipctool", targets: ["ipctool"])
  ],
  targets: [
    // The only C of the tool: fixed-arity wrappers for what Swift cannot call (mqueue.h, semctl,
    // wait macros, O_TMPFILE, fsmount, signal handlers, argv).
    .target(name: "CIPCShims"),
    .target(name: "IPCKit", dependencies: ["CIPCShims"]),
    .target(name: "IPCToolCLI", dependencies: ["CIPCShims", "IPCKit"]),
    .executableTarget(name: "ipctool", dependencies: ["IPCToolCLI"]),
    // What both test targets share: temporary folders, namespace threads, waiting for a condition.
    .target(name: "CNamespaces", path: "Tests/CNamespaces"),  // setns and unshare, for tests
    .target(name: "TestSupport", dependencies: ["CNamespaces"], path: "Tests/TestSupport"),
    .testTarget(
      name: "IPCKitTests", dependencies: ["CIPCShims", "IPCKit", "TestSupport"],
      exclude: ["Fixtures"]),
    // The command line without the kernel: parser, help, escaping, tables, JSON, man page. No root.
    .testTarget(
      name: "IPCToolCLITests", dependencies: ["IPCKit", "IPCToolCLI", "TestSupport"]),
    .testTarget(
      name: "IPCToolEndToEndTests",
      dependencies: ["CIPCShims", "IPCKit", "IPCToolCLI", "ipctool", "TestSupport"],
      exclude: ["Support/zsh-complete.zsh"]),
  ]
)
