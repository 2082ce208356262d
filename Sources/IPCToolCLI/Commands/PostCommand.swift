import IPCKit

/// `ipctool post REF [--index I]`: adds one to a semaphore, waking a waiter.
enum PostCommand {
  static let spec = CommandSpec(
    name: "post",
    abstract: "Add one to a semaphore and show its value before and after.",
    discussion: [
      "A POSIX semaphore, or one semaphore of a System V set (--index, from 0). Prints"
        + " 'REF: BEFORE -> AFTER' (a set's with its index). A semaphore at its maximum, or a"
        + " reference that names no semaphore, fails with one line: exit 2 when the reference's"
        + " kind is written (posix-shm:/x), else 1; nothing changes."
    ],
    arguments: [
      ArgumentSpec(
        name: "ref", help: "The semaphore: /name, posix-sem:/name, sysv-sem:ID or sysv-sem:0xKEY.",
        arity: .required, values: .references)
    ],
    options: [SemaphoreSteps.index.spec, SharedOptions.target],
    examples: [
      Example(command: "ipctool post /ready", explanation: "Wake one waiter of /ready."),
      Example(command: "ipctool post sysv-sem:4 --index 1", explanation: "The second semaphore of a set."),
    ],
    run: { parsed, console in SemaphoreSteps.run(.post, parsed, console) })
}
