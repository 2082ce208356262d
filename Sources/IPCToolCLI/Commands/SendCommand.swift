import IPCKit

/// `ipctool send REF [MESSAGE | --file F | -]`: puts one message on a POSIX or System V queue.
enum SendCommand {
  static let spec = CommandSpec(
    name: "send",
    abstract: "Send one message to a queue.",
    discussion: [
      "The message is the argument's bytes as typed, the contents of --file, or standard input"
        + " with '-' (or with no message at all); any bytes, empty included. A POSIX queue takes"
        + " --priority, a System V queue --type. It waits while the queue is full, unless"
        + " --nonblock or --timeout say otherwise; a full queue or a message larger than the"
        + " queue takes fails with one line naming the limit (mq_maxmsg, mq_msgsize, msg_qbytes,"
        + " kernel.msgmax), exit 1, and nothing is sent. A reference that names no queue is"
        + " refused: exit 2 when its kind is written (sysv-shm:5), else 1. SIGINT or SIGTERM"
        + " while waiting ends it with 128 + the signal, nothing sent.",
    ],
    arguments: [
      ArgumentSpec(
        name: "ref", help: "The queue: /name, posix-mq:/name, sysv-mq:ID or sysv-mq:0xKEY.",
        arity: .required, values: .references),
      ArgumentSpec(name: "message", help: "The message, or '-' for standard input.", arity: .optional),
    ],
    options: [
      file.spec, priority.spec, type.spec, MessageOptions.nonblock, MessageOptions.timeout.spec,
      SharedOptions.target,
    ],
    examples: [
      Example(command: "ipctool send /jobs 'build 42' --priority 5", explanation: "A POSIX message."),
      Example(command: "ipctool send sysv-mq:0x1e240 --type 3 --file job.bin",
        explanation: "A System V message of type 3 from a file."),
    ],
    run: { parsed, console in run(parsed, console) })

  static let file = TypedOption(
    OptionSpec("file", short: "f", value: "file", help: "Send the contents of this file."),
    expected: "a file", read: { $0 })
  static let priority = TypedOption(
    OptionSpec(
      "priority", short: "P", value: "n", help: "POSIX queues: the priority (0, the default, is lowest).",
      values: .number),
    expected: "a priority from 0 to 32767") { UInt32($0).flatMap { $0 <= 32767 ? $0 : nil } }
  static let type = TypedOption(
    OptionSpec(
      "type", value: "n", help: "System V queues: the message type, a positive number (default 1).",
      values: .number),
    expected: "a positive message type") { Int($0).flatMap { $0 > 0 ? $0 : nil } }

  static func run(_ parsed: ParsedArguments, _ console: Console) -> ExitStatus {
    let queue: IPCObjectInfo
    let wait: MessageWait
    let message: QueueMessage
    do {
      wait = try MessageOptions.wait(parsed)
      let priority = try parsed.value(Self.priority)
      let type = try parsed.value(Self.type)
      queue = try MessageOptions.queue(parsed.positionals[0], parsed, operation: "send")
      if queue.kind == .posixQueue, type != nil {
        throw MessageFailure.usage(UsageError("'--type' is for System V queues", parsed.command))
      }
      if queue.kind == .sysvQueue, priority != nil {
        throw MessageFailure.usage(UsageError("'--priority' is for POSIX queues", parsed.command))
      }
      message = QueueMessage(
        bytes: try bytes(parsed), priority: queue.kind == .posixQueue ? priority ?? 0 : nil,
        type: queue.kind == .sysvQueue ? type ?? 1 : nil)
    } catch let failure as MessageFailure {
      return report(failure, console)
    } catch let error as UsageError {
      console.errRaw(error.line + "\n")
      return .usage
    } catch {
      preconditionFailure("\(error)")
    }
    let subject = queue.reference.description
    var limit: MessageLimit?
    do {
      let channel = try MessageChannel(queue, context: parsed.context, sending: true, wait: wait)
      limit = channel.limit
      try channel.send(message)
      return .success
    } catch {
      if case .stopped(let signal) = error { return .signaled(signal) }
      TransferWording.line(error, .send, subject, limit: limit).map(console.error)
      return .failure
    }
  }

  /// The message's bytes: the argument, the file, or standard input.
  static func bytes(_ parsed: ParsedArguments) throws(MessageFailure) -> [UInt8] {
    let path: String?
    do {
      path = try parsed.value(file)
    } catch {
      throw .usage(error)
    }
    let argument = parsed.positionals.dropFirst().first
    if let argument, argument != "-" {
      guard path == nil else {
        throw .usage(UsageError("give a message or '--file', not both", parsed.command))
      }
      return typedBytes(argument)
    }
    do {
      let bytes = try MessageSource.read(path)
      if bytes.count > MessageSource.cap {
        throw MessageFailure.failed(
          "send: the message is larger than any queue takes (\(MessageSource.cap) bytes)")
      }
      return bytes
    } catch let error as SystemError {
      throw .failed("send: " + error.description)
    } catch let error as MessageFailure {
      throw error
    } catch {
      preconditionFailure("\(error)")
    }
  }

  static func report(_ failure: MessageFailure, _ console: Console) -> ExitStatus {
    switch failure {
    case .usage(let error):
      console.errRaw(error.line + "\n")
      return .usage
    case .failed(let line):
      console.error(line)
      return .failure
    }
  }

  /// The bytes the user typed for `word`: the argument as the kernel passed it, so a byte that
  /// is not UTF-8 (shown in the word as `\xHH`) is sent as that byte, not as four characters.
  /// In-process runs have no such argument: the word's own bytes then.
  static func typedBytes(_ word: String) -> [UInt8] {
    ProcessArguments.afterProgramName.first { Escaping.word(fromArgument: $0) == word }
      ?? Array(word.utf8)
  }
}
