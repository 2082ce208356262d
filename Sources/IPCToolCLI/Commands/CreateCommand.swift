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
    options: [
      mode.spec, size.spec, maxMessages.spec, messageSize.spec, count.spec, value, key.spec,
      SharedOptions.target,
    ],
    examples: [
      Example(command: "ipctool create posix-shm /frames --size 4M", explanation: "A 4 MiB segment."),
      Example(command: "ipctool create sysv-sem --count 2 --value 1 --key 0x1e240",
        explanation: "A set of two semaphores, both 1."),
    ],
    run: { parsed, console in run(parsed, console) })

  static let mode = DefaultedOption(
    TypedOption(
      OptionSpec("mode", short: "m", value: "octal", help: "Permissions."),
      expected: "an octal mode such as 0640", read: IPCPermissions.init(octal:)),
    default: IPCPermissions(rawValue: 0o600), shown: "0600")
  static let size = TypedOption(
    OptionSpec(
      "size", short: "s", value: "bytes",
      help: "Size of shared memory (posix-shm, sysv-shm); suffixes K, M, G.", values: .number),
    expected: "a size such as 4096, 4K or 1M", read: ByteSize.parse)
  static let maxMessages = positive(
    OptionSpec(
      "max-messages", value: "n", help: "Queue length (posix-mq; default fs.mqueue.msg_default).",
      values: .number), max: 1 << 20)
  static let messageSize = positive(
    OptionSpec(
      "message-size", value: "bytes",
      help: "Largest message (posix-mq; default fs.mqueue.msgsize_default).", values: .number),
    max: 1 << 30)
  static let count = positive(
    OptionSpec("count", short: "c", value: "n", help: "Semaphores in the set (sysv-sem).", values: .number),
    max: 65535)
  static let value = OptionSpec(
    "value", short: "v", value: "n", help: "Initial semaphore value (posix-sem, sysv-sem).",
    default: "0", values: .number)
  /// --value as each kind of semaphore takes it.
  static let posixValue = DefaultedOption(
    TypedOption(value, expected: "a value from 0 to \(Int32.max)") { text in
      UInt32(text).flatMap { $0 <= UInt32(Int32.max) ? $0 : nil }
    }, default: 0, shown: "0")
  static let sysvValue = DefaultedOption(
    TypedOption(value, expected: "a value from 0 to 32767") { text in
      Int32(text).flatMap { (0...32767).contains($0) ? $0 : nil }
    }, default: 0, shown: "0")
  static let key = TypedOption(
    OptionSpec(
      "key", value: "key",
      help: "System V key, such as 0x1e240 or 123456 (default IPC_PRIVATE).", values: .number),
    expected: "a key such as 0x1e240 or 123456", read: parseKey)

  /// A whole number from 1 to `max`.
  static func positive(_ spec: OptionSpec, max: Int) -> TypedOption<Int> {
    TypedOption(spec, expected: "a whole number from 1 to \(max)") { text in
      Int(text).flatMap { (1...max).contains($0) ? $0 : nil }
    }
  }

  /// Which options each kind takes; others are usage errors, not silently ignored.
  static let applicable: [IPCKind: [OptionSpec]] = [
    .posixQueue: [maxMessages.spec, messageSize.spec],
    .posixSharedMemory: [size.spec],
    .posixSemaphore: [value],
    .sysvQueue: [key.spec],
    .sysvSharedMemory: [size.spec, key.spec],
    .sysvSemaphore: [count.spec, value, key.spec],
  ]

  static func run(_ parsed: ParsedArguments, _ console: Console) -> ExitStatus {
    do {
      let (spec, permissions) = try request(parsed)
      let reference = try Inventory(context: parsed.context).create(spec, permissions: permissions)
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
      guard option.long != mode.spec.long && option.long != SharedOptions.target.long else { continue }
      throw UsageError("option '--\(option.long)' does not apply to \(kind.rawValue)", command)
    }
    let permissions = try parsed.value(mode)
    let name = try objectName(kind, parsed)
    // Only POSIX kinds reach the cases that use it, and objectName made sure they have one.
    func posixName() throws(UsageError) -> IPCName {
      guard let name else { throw UsageError("\(kind.rawValue) needs a name such as /jobs", command) }
      return name
    }
    let key = try parsed.value(key)
    let size = try parsed.value(size)
    switch kind {
    case .posixQueue:
      return (
        .posixQueue(
          try posixName(), maxMessages: try parsed.value(maxMessages),
          messageSize: try parsed.value(messageSize)), permissions
      )
    case .posixSharedMemory, .sysvSharedMemory:
      guard let size else { throw UsageError("\(kind.rawValue) needs --size <bytes>", command) }
      if kind == .sysvSharedMemory { return (.sysvSharedMemory(key: key, size: size), permissions) }
      return (.posixSharedMemory(try posixName(), size: size), permissions)
    case .posixSemaphore:
      return (.posixSemaphore(try posixName(), value: try parsed.value(posixValue)), permissions)
    case .sysvQueue:
      return (.sysvQueue(key: key), permissions)
    case .sysvSemaphore:
      guard let semaphores = try parsed.value(count) else {
        throw UsageError("sysv-sem needs --count <n>", command)
      }
      let initial = try parsed.value(sysvValue)
      return (.sysvSemaphore(key: key, count: Int32(semaphores), value: initial), permissions)
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
