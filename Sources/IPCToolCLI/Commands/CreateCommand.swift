import IPCKit

/// `ipctool create KIND [/name]`: makes one object, exclusively, and prints its reference.
enum CreateCommand {
  static let spec = CommandSpec(
    name: "create", aliases: ["mk"],
    abstract: "Create an object and print its reference.",
    discussion: [
      "Creation is exclusive: an existing object is an error, never reused or resized. POSIX"
        + " shared memory is backed by real pages at once, so a full /dev/shm fails here"
        + " rather than with SIGBUS later. A failed create leaves nothing behind."
    ],
    arguments: [
      ArgumentSpec(
        name: "kind", help: "The kind of object.", arity: .required,
        values: .choices(IPCKind.allCases.map { Choice(value: $0.rawValue, summary: $0.summary) })),
      ArgumentSpec(name: "name", help: "The name of a POSIX object, such as /jobs.", arity: .optional),
    ],
    options: [mode, size, maxMessages, messageSize, count, value, key, SharedOptions.target],
    examples: [
      Example(command: "ipctool create posix-shm /frames --size 4M", explanation: "A 4 MiB segment."),
      Example(command: "ipctool create sysv-sem --count 2 --value 1 --key 0x1e240",
        explanation: "A set of two semaphores, both 1."),
    ],
    run: { parsed, console in run(parsed, console) })

  static let mode = OptionSpec("mode", short: "m", value: "octal", help: "Permissions.", default: "0600")
  static let size = OptionSpec(
    "size", short: "s", value: "bytes",
    help: "Size of shared memory (posix-shm, sysv-shm); suffixes K, M, G.", values: .number)
  static let maxMessages = OptionSpec(
    "max-messages", value: "n", help: "Queue length (posix-mq; default fs.mqueue.msg_default).",
    values: .number)
  static let messageSize = OptionSpec(
    "message-size", value: "bytes",
    help: "Largest message (posix-mq; default fs.mqueue.msgsize_default).", values: .number)
  static let count = OptionSpec(
    "count", short: "c", value: "n", help: "Semaphores in the set (sysv-sem).", values: .number)
  static let value = OptionSpec(
    "value", short: "v", value: "n",
    help: "Initial semaphore value (posix-sem, sysv-sem).", default: "0", values: .number)
  static let key = OptionSpec(
    "key", value: "key", help: "System V key, such as 0x1e240 (default IPC_PRIVATE).",
    values: .number)

  /// Which options each kind takes; others are usage errors, not silently ignored.
  static let applicable: [IPCKind: [OptionSpec]] = [
    .posixQueue: [maxMessages, messageSize],
    .posixSharedMemory: [size],
    .posixSemaphore: [value],
    .sysvQueue: [key],
    .sysvSharedMemory: [size, key],
    .sysvSemaphore: [count, value, key],
  ]

  static func run(_ parsed: ParsedArguments, _ console: Console) -> ExitStatus {
    do {
      let (spec, permissions) = try request(parsed)
      let reference = try Inventory(paths: parsed.paths).create(spec, permissions: permissions)
      console.out(reference.description + "\n")
      return .success
    } catch let error as UsageError {
      console.errRaw(error.line + "\n")
      return .usage
    } catch let error as IPCError {
      console.error(error.line)
      return .failure
    } catch {
      console.error("\(error)")
      return .failure
    }
  }

  static func request(_ parsed: ParsedArguments) throws(UsageError) -> (ObjectSpec, IPCPermissions) {
    let command = parsed.command
    let kindWord = parsed.positionals[0]
    guard let kind = IPCKind(rawValue: kindWord) else {
      throw UsageError(
        "unknown kind '\(printable(kindWord))'"
          + suggestion(for: kindWord, among: IPCKind.allCases.map(\.rawValue), quote: ""), command)
    }
    let allowed = Set((applicable[kind] ?? []).map(\.long))
    for option in spec.options where parsed.flag(option) && !allowed.contains(option.long) {
      // Every kind has a mode, and lives in some namespace.
      guard option.long != mode.long && option.long != SharedOptions.target.long else { continue }
      throw UsageError("option '--\(option.long)' does not apply to \(kind.rawValue)", command)
    }
    guard
      let permissions = try parsed.value(mode, "an octal mode such as 0640", IPCPermissions.init(octal:))
    else { preconditionFailure("--mode has a default") }
    let name = try objectName(kind, parsed)
    // Only POSIX kinds reach the cases that use it, and objectName made sure they have one.
    func posixName() throws(UsageError) -> IPCName {
      guard let name else { throw UsageError("\(kind.rawValue) needs a name such as /jobs", command) }
      return name
    }
    let key = try parsed.value(key, "a key such as 0x1e240 or 123456", parseKey)
    let size = try parsed.value(size, "a size such as 4096, 4K or 1M", ByteSize.parse)
    func positive(_ option: OptionSpec, max: Int) throws(UsageError) -> Int? {
      try parsed.value(option, "a whole number from 1 to \(max)") { text in
        Int(text).flatMap { (1...max).contains($0) ? $0 : nil }
      }
    }
    switch kind {
    case .posixQueue:
      return (
        .posixQueue(
          try posixName(), maxMessages: try positive(maxMessages, max: 1 << 20),
          messageSize: try positive(messageSize, max: 1 << 30)), permissions
      )
    case .posixSharedMemory, .sysvSharedMemory:
      guard let size else { throw UsageError("\(kind.rawValue) needs --size <bytes>", command) }
      if kind == .sysvSharedMemory { return (.sysvSharedMemory(key: key, size: size), permissions) }
      return (.posixSharedMemory(try posixName(), size: size), permissions)
    case .posixSemaphore:
      let initial = try parsed.value(value, "a value from 0 to \(Int32.max)") { text in
        UInt32(text).flatMap { $0 <= UInt32(Int32.max) ? $0 : nil }
      }
      return (.posixSemaphore(try posixName(), value: initial ?? 0), permissions)
    case .sysvQueue:
      return (.sysvQueue(key: key), permissions)
    case .sysvSemaphore:
      guard let semaphores = try positive(count, max: 65535) else {
        throw UsageError("sysv-sem needs --count <n>", command)
      }
      let initial = try parsed.value(value, "a value from 0 to 32767") { text in
        Int32(text).flatMap { (0...32767).contains($0) ? $0 : nil }
      }
      return (.sysvSemaphore(key: key, count: Int32(semaphores), value: initial ?? 0), permissions)
    }
  }

  /// POSIX kinds need a name; System V kinds take none.
  static func objectName(_ kind: IPCKind, _ parsed: ParsedArguments) throws(UsageError) -> IPCName? {
    let given = parsed.positionals.count > 1 ? parsed.positionals[1] : nil
    guard kind.isNamed else {
      if let given {
        throw UsageError(
          "\(kind.rawValue) objects have no name ('\(printable(given))'); use --key", parsed.command)
      }
      return nil
    }
    guard let given else { throw UsageError("\(kind.rawValue) needs a name such as /jobs", parsed.command) }
    do {
      return try IPCName(parsing: given, maxLength: kind.maxNameLength)
    } catch {
      throw UsageError(error.description, parsed.command)
    }
  }

  /// A key as `IPCKeyText` reads it ("0x1e240", "123456", "3735928559"); 0 would be
  /// IPC_PRIVATE, which names no single object, so it is refused.
  static func parseKey(_ text: String) -> Int32? {
    guard let key = IPCKeyText.parse(text), key != 0 else { return nil }
    return key
  }
}
