import IPCKit

/// `ipctool wait REF [--index I] [--nonblock | --timeout D]`: takes one from a semaphore.
enum WaitCommand {
  static let spec = CommandSpec(
    name: "wait",
    abstract: "Take one from a semaphore, waiting while it is 0, and show its value before and after.",
    discussion: [
      "A POSIX semaphore, or one semaphore of a System V set (--index, from 0). Prints"
        + " 'REF: BEFORE -> AFTER'. With --nonblock a value of 0 fails at once, with --timeout"
        + " after that long: one line, exit 1, nothing taken. SIGINT or SIGTERM while waiting"
        + " ends it with 128 + the signal, nothing taken. A reference that names no semaphore"
        + " is refused: exit 2 when its kind is written, else 1."
    ],
    arguments: [
      ArgumentSpec(
        name: "ref", help: "The semaphore: /name, posix-sem:/name, sysv-sem:ID or sysv-sem:0xKEY.",
        arity: .required, values: .references)
    ],
    options: [
      SemaphoreSteps.index.spec, MessageOptions.nonblock, MessageOptions.timeout.spec,
      SharedOptions.target,
    ],
    examples: [
      Example(command: "ipctool wait /ready --timeout 10s", explanation: "Wait up to 10 seconds."),
    ],
    run: { parsed, console in SemaphoreSteps.run(.wait, parsed, console) })
}
