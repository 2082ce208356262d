import IPCKit

/// What `post` and `wait` share: the semaphore a reference names, --index, and the line that
/// shows the value before and after.
enum SemaphoreSteps {
  static let index = TypedOption(
    OptionSpec(
      "index", short: "i", value: "n", help: "System V sets: which semaphore, from 0 (default 0).",
      values: .number),
    expected: "a semaphore index from 0") { Int($0).flatMap { $0 >= 0 ? $0 : nil } }

  static func run(_ step: SemaphoreStep, _ parsed: ParsedArguments, _ console: Console) -> ExitStatus {
    let semaphore: IPCObjectInfo
    let wait: MessageWait
    let number: Int?
    do {
      wait = step == .wait ? try MessageOptions.wait(parsed) : .nonblock
      number = try parsed.value(index)
      semaphore = try semaphoreNamed(parsed.positionals[0], parsed, step.rawValue)
      if semaphore.kind == .posixSemaphore, number != nil {
        throw MessageFailure.usage(UsageError("'--index' is for System V sets", parsed.command))
      }
    } catch let failure as MessageFailure {
      return SendCommand.report(failure, console)
    } catch let error as UsageError {
      console.errRaw(error.line + "\n")
      return .usage
    } catch {
      preconditionFailure("\(error)")
    }
    let subject = semaphore.reference.description
    do {
      let (before, after) = try step.apply(to: semaphore, index: number, context: parsed.context, wait: wait)
      let which = semaphore.kind == .sysvSemaphore ? " [\(number ?? 0)]" : ""
      console.out("\(subject)\(which): \(before) -> \(after)\n")
      return .success
    } catch {
      if case .stopped(let signal) = error { return .signaled(signal) }
      console.error(SemaphoreWording.line(error, step, subject))
      return .failure
    }
  }

  /// The one semaphore `word` names, as `MessageOptions.queue` finds a queue.
  static func semaphoreNamed(_ word: String, _ parsed: ParsedArguments, _ operation: String)
    throws(MessageFailure) -> IPCObjectInfo
  {
    let reference: IPCReference
    do {
      reference = try IPCReference(parsing: word)
    } catch {
      throw .usage(UsageError(error.description, parsed.command))
    }
    if let kind = reference.kind, !kind.isSemaphore {
      throw .usage(UsageError(SemaphoreWording.notASemaphore(reference.description, kind), parsed.command))
    }
    let found: [IPCObjectInfo]
    do {
      found = try Inventory(context: parsed.context).find(reference, for: operation)
    } catch {
      throw .failed(error.line)
    }
    guard let semaphore = found.first(where: { $0.kind.isSemaphore }) else {
      throw .failed("\(operation) \(reference): " + SemaphoreWording.notASemaphore(found.first?.kind ?? .posixQueue))
    }
    return semaphore
  }
}

extension IPCKind {
  var isSemaphore: Bool { self == .posixSemaphore || self == .sysvSemaphore }
}
