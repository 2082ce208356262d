import IPCKit

/// `ipctool receive REF`: takes messages off a POSIX or System V queue and writes them out.
enum ReceiveCommand {
  static let spec = CommandSpec(
    name: "receive", aliases: ["recv"],
    abstract: "Take messages off a queue and print them.",
    discussion: [
      "One message, or --count N, or --all (every message there now, without waiting; none is"
        + " no error). A POSIX queue gives the oldest message of the highest priority. On a"
        + " System V queue --type selects as msgrcv(2) does: 0 (the default) the next message,"
        + " T > 0 the next of type T, T < 0 the next of the lowest type up to |T|.",
      "To a file or pipe the bytes are written as they are, one message after another; on a"
        + " terminal each message is one line, escaped. --hex writes each as a line of hex,"
        + " --json as a line {\"priority\" or \"type\", \"size\", \"base64\"}, the bytes in base64.",
      "It waits for each message unless --nonblock or --timeout (for each message) say"
        + " otherwise; an empty queue then fails with one line, exit 1, after writing the"
        + " messages already taken. SIGINT or SIGTERM while waiting ends it with 128 + the"
        + " signal; what was taken before is written. A reference that names no queue is"
        + " refused: exit 2 when its kind is written (sysv-shm:5), else 1.",
    ],
    arguments: [
      ArgumentSpec(
        name: "ref", help: "The queue: /name, posix-mq:/name, sysv-mq:ID or sysv-mq:0xKEY.",
        arity: .required, values: .references)
    ],
    options: [
      count.spec, all, type.spec, MessageOptions.nonblock, MessageOptions.timeout.spec, hex,
      SharedOptions.json, SharedOptions.target,
    ],
    examples: [
      Example(command: "ipctool receive /jobs > job.bin", explanation: "The next message, raw."),
      Example(command: "ipctool recv sysv-mq:5 --all --json", explanation: "Drain a queue as JSON lines."),
    ],
    run: { parsed, console in run(parsed, console) })

  static let count = CreateCommand.positive(
    OptionSpec("count", short: "c", value: "n", help: "Take this many messages.", values: .number),
    max: Int(Int32.max))
  static let all = OptionSpec("all", short: "a", help: "Take every message there is, without waiting.")
  static let type = TypedOption(
    OptionSpec(
      "type", value: "n", help: "System V queues: which message, as msgrcv(2) selects (default 0).",
      values: .number),
    expected: "a message type (a whole number)") { Int($0) }
  static let hex = OptionSpec("hex", short: "x", help: "Write each message as a line of hex.")

  static func run(_ parsed: ParsedArguments, _ console: Console) -> ExitStatus {
    let queue: IPCObjectInfo
    let wait: MessageWait
    let wanted: Int?
    let selector: Int
    do {
      wait = try MessageOptions.wait(parsed)
      let number = try parsed.value(count)
      selector = try parsed.value(type) ?? 0
      if parsed.flag(all) {
        guard number == nil, wait == .block else {
          throw MessageFailure.usage(
            UsageError("'--all' takes what is there: not with '--count', '--nonblock' or '--timeout'",
              parsed.command))
        }
      }
      if parsed.flag(hex), parsed.flag(SharedOptions.json) {
        throw MessageFailure.usage(UsageError("'--hex' and '--json' exclude each other", parsed.command))
      }
      wanted = parsed.flag(all) ? nil : number ?? 1
      queue = try MessageOptions.queue(parsed.positionals[0], parsed, operation: "receive")
      if queue.kind == .posixQueue, parsed.typed(type.spec) != nil {
        throw MessageFailure.usage(UsageError("'--type' is for System V queues", parsed.command))
      }
    } catch let failure as MessageFailure {
      return SendCommand.report(failure, console)
    } catch let error as UsageError {
      console.errRaw(error.line + "\n")
      return .usage
    } catch {
      preconditionFailure("\(error)")
    }
    let rendering: MessageRendering =
      parsed.flag(SharedOptions.json) ? .json
      : parsed.flag(hex) ? .hex : Terminal.columns(1) == nil ? .raw : .escaped
    let subject = queue.reference.description
    var limit: MessageLimit?
    do {
      let channel = try MessageChannel(
        queue, context: parsed.context, sending: false, wait: wanted == nil ? .nonblock : wait)
      limit = channel.limit
      var taken = 0
      while wanted.map({ taken < $0 }) ?? true {
        let message: QueueMessage
        do {
          message = try channel.receive(type: selector)
        } catch .wouldBlock where wanted == nil {
          break  // --all: the queue is drained
        }
        console.out([rendering.text(message)])
        taken += 1
      }
      return .success
    } catch {
      if case .stopped(let signal) = error { return .signaled(signal) }
      TransferWording.line(error, .receive, subject, limit: limit).map(console.error)
      return .failure
    }
  }
}
