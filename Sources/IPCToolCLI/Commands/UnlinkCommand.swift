import IPCKit

/// `ipctool unlink REF...`: removes each object, going on past failures.
enum UnlinkCommand {
  static let spec = CommandSpec(
    name: "unlink", aliases: ["rm"],
    abstract: "Remove objects.",
    discussion: [
      "POSIX objects lose their name at once and are freed when the last user closes them."
        + " System V queues and semaphore sets go at once; segments when the last process"
        + " detaches. Each failure is reported and the rest are still removed."
    ],
    arguments: [SharedOptions.reference],
    options: [SharedOptions.kind, SharedOptions.target],
    examples: [
      Example(command: "ipctool unlink /jobs", explanation: "Every POSIX object named /jobs."),
      Example(command: "ipctool rm sysv-sem:0x0001e240", explanation: "A semaphore set by key."),
    ],
    run: { parsed, console in run(parsed, console) })

  static func run(_ parsed: ParsedArguments, _ console: Console) -> ExitStatus {
    let references: [IPCReference]
    let kinds: Set<IPCKind>
    do {
      (references, kinds) = try referencesAndKinds(parsed)
    } catch {
      console.errRaw(error.line + "\n")
      return .usage
    }
    let inventory = Inventory(context: parsed.context)
    var status = ExitStatus.success
    for reference in references {
      do {
        let objects = try inventory.find(reference, for: "unlink").filter { kinds.contains($0.kind) }
        for object in objects {
          do {
            try inventory.remove(object)
          } catch {
            console.error(error.line)
            status = .failure
          }
        }
      } catch {
        console.error(error.line)
        status = .failure
      }
    }
    return status
  }
}
