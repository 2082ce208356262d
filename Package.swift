// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "ipctool",
  products: [
    .executable(name: "ipctool", targets: ["ipctool"])
  ],
  targets: [
    // The only C: fixed-arity wrappers for what Swift cannot call (mqueue.h, semctl, wait macros).
    .target(name: "CIPCShims"),
    .target(name: "IPCKit", dependencies: ["CIPCShims"]),
    .target(name: "IPCToolCLI", dependencies: ["IPCKit"]),
    .executableTarget(name: "ipctool", dependencies: ["IPCToolCLI"]),
    .testTarget(name: "IPCKitTests", dependencies: ["CIPCShims", "IPCKit"], exclude: ["Fixtures"]),
    .testTarget(
      name: "IPCToolEndToEndTests", dependencies: ["CIPCShims", "IPCKit", "IPCToolCLI", "ipctool"]),
  ]
)
