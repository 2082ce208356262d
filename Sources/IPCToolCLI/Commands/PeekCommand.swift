import IPCKit

/// `ipctool peek REF`: a System V queue's messages, left where they are.
enum PeekCommand {
  static let spec = CommandSpec(
    name: "peek",
    abstract: "Show a System V queue's messages without taking them.",
    discussion: [
      "Each message is copied with msgrcv(2)'s MSG_COPY, oldest first, and written as receive"
        + " writes it (raw, escaped on a terminal, --hex, --json). The copies are taken one by"
        + " one: a queue that changes meanwhile may show a message twice or miss one. A kernel"
        + " without MSG_COPY (CONFIG_CHECKPOINT_RESTORE) and POSIX queues, which the kernel"
        + " cannot show without taking, fail with one line saying so, exit 1; nothing is taken."
    ],
    arguments: [
      ArgumentSpec(
        name: "ref", help: "The queue: sysv-mq:ID or sysv-mq:0xKEY.", arity: .required,
        values: .references)
    ],
    options: [ReceiveCommand.hex, SharedOptions.json, SharedOptions.target],
    examples: [
      Example(command: "ipctool peek sysv-mq:5 --json", explanation: "What is queued, as JSON lines.")
    ],
    run: { parsed, console in run(parsed, console) })

  static func run(_ parsed: ParsedArguments, _ console: Console) -> ExitStatus {
    let queue: IPCObjectInfo
    do {
      if parsed.flag(ReceiveCommand.hex), parsed.flag(SharedOptions.json) {
        throw MessageFailure.usage(UsageError("'--hex' and '--json' exclude each other", parsed.command))
      }
      queue = try MessageOptions.queue(parsed.positionals[0], parsed, operation: "peek")
    } catch let failure as MessageFailure {
      return SendCommand.report(failure, console)
    } catch {
      preconditionFailure("\(error)")
    }
    let subject = queue.reference.description
    let rendering: MessageRendering =
      parsed.flag(SharedOptions.json) ? .json
      : parsed.flag(ReceiveCommand.hex) ? .hex : Terminal.columns(1) == nil ? .raw : .escaped
    do throws(TransferError) {
      guard queue.kind == .sysvQueue else { throw .cannotPeek(queue.kind) }
      let channel = try MessageChannel(queue, context: parsed.context, sending: false, wait: .nonblock)
      console.out(try channel.peek().map(rendering.text))
      return .success
    } catch {
      TransferWording.line(error, .peek, subject, limit: nil).map(console.error)
      return .failure
    }
  }
}
