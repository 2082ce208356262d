import Glibc
import IPCKit

/// `ipctool pi`: the forked computation of pi over each IPC mechanism, with proof of cleanup.
enum PiCommand {
  static let mechanismChoices: [Choice] =
    PiMechanism.allCases.map { Choice(value: $0.rawValue, summary: $0.summary) } + [
      Choice(value: "posix", summary: "posix-mq and posix-shm"),
      Choice(value: "sysv", summary: "sysv-mq and sysv-shm"),
      Choice(value: "mq", summary: "posix-mq and sysv-mq"),
      Choice(value: "shm", summary: "posix-shm and sysv-shm"),
      Choice(value: "all", summary: "every mechanism"),
    ]

  static let spec = CommandSpec(
    name: "pi",
    abstract: "Compute pi with forked workers over each IPC mechanism, and prove nothing is left.",
    discussion: [
      "Workers sum the series 1/(2k+1)^2 = pi^2/8 over slices of the terms and send each"
        + " slice's sum to the parent (the shared-memory mechanisms add it under a semaphore)."
        + " Slice sums are added exactly and rounded once, so every mechanism gives the same bits"
        + " in any order, in memory that does not grow with the slices. Each run's sum is checked"
        + " against the closed form pi^2/8 - psi1(N+1/2)/4 (psi1 the trigamma function), within"
        + " the worst-case rounding error of summing the longest slice; it costs nothing. After"
        + " each mechanism the tool checks that its objects are gone (by name or id), every worker"
        + " is reaped and no descriptor is left open.",
      "SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGPIPE and SIGALRM remove everything"
        + " and exit 128 plus the signal (129, 130, 131, 143, ...); the workers and the cleanup"
        + " helper ignore them, so a signal to the whole process group (Ctrl-C, a closed"
        + " terminal) is handled once, by ipctool. If ipctool itself is killed with SIGKILL, its"
        + " workers die with it and, for the mechanisms whose objects outlive processes (all but"
        + " pipe and socketpair), a helper it forked removes the run's objects; a killed helper"
        + " stops the run (exit 1). Should anything survive even a SIGKILL to every process of the"
        + " run, POSIX objects are named /ipctool-pi-PID-RANDOM-KIND and System V objects carry the"
        + " key 0x69000000 + PID (a private key if someone holds that one), and"
        + " 'ipctool clean --prefix /ipctool-pi-' removes both: for --prefix such System V objects"
        + " answer to /ipctool-pi-PID-sysv-mq, -sysv-shm and -sysv-sem.",
    ],
    options: [ipc, terms.spec, workers.spec, slices, timeout, SharedOptions.json],
    examples: [
      Example(command: "ipctool pi --ipc sysv", explanation: "System V queue and shared memory."),
      Example(
        command: "ipctool pi --slices 100000 --terms 1000000",
        explanation: "Messages (or lock hand-offs) per second for every mechanism."),
    ],
    run: { parsed, console in run(parsed, console) })

  static let ipc = OptionSpec(
    "ipc", short: "i", value: "mechanism",
    help: "Mechanisms to use; repeat or separate with commas.", default: "all",
    repeatable: true, values: .choices(mechanismChoices), commaList: true)
  // No short form: -t is --target in every other command.
  static let terms = DefaultedOption(
    count(OptionSpec("terms", value: "n", help: "Terms of the series.", values: .number), max: 1 << 50),
    default: 10_000_000, shown: "10000000")
  static let workers = DefaultedOption(
    count(
      OptionSpec("workers", short: "w", value: "n", help: "Worker processes to fork.", values: .number),
      max: 4096),
    default: 10, shown: "10")

  /// A whole number from 1 to `max`, underscores allowed (10_000_000).
  static func count(_ spec: OptionSpec, max: Int) -> TypedOption<Int> {
    TypedOption(spec, expected: "a whole number from 1 to \(max)") { text in
      Int(text.replacingUnderscores).flatMap { (1...max).contains($0) ? $0 : nil }
    }
  }
  static let slices = OptionSpec(
    "slices", short: "s", value: "n",
    help: "Slices the terms are cut into (more slices: an IPC throughput test).",
    defaultDescription: "the number of workers", values: .number)

  static let timeout = OptionSpec(
    "timeout", value: "duration",
    help: "Stop the run, naming the workers not yet done, if it takes longer (30s, 5m, 1h).",
    defaultDescription: "none", values: .none)

  static func run(_ parsed: ParsedArguments, _ console: Console) -> ExitStatus {
    let mechanisms: [PiMechanism]
    let plan: PiPlan
    let seconds: Int?
    do {
      (mechanisms, plan) = try request(parsed)
      seconds = try parsed.value(timeout, "a duration such as 30s, 5m or 1h", AgeText.seconds)
    } catch {
      console.errRaw(error.line + "\n")
      return .usage
    }
    let runner = PiRunner(plan: plan, context: parsed.context, timeout: seconds.map(Double.init))
    var results: [PiResult] = []
    do {
      try PiRunner.watchingSignals { () throws(PiError) in
        for mechanism in mechanisms { results.append(try runner.run(mechanism)) }
      }
    } catch {
      console.error(error.message)
      if case .stopped(let signal) = error { return .signaled(signal) }
      return .failure
    }
    if parsed.flag(SharedOptions.json) {
      console.out(json(results, plan: plan))
    } else {
      console.out(table(results))
    }
    return results.allSatisfy(\.isGood) ? .success : .failure
  }

  static func request(_ parsed: ParsedArguments) throws(UsageError) -> ([PiMechanism], PiPlan) {
    var mechanisms: [PiMechanism] = []
    let words = parsed.values(ipc).isEmpty ? [ipc.defaultValue ?? "all"] : parsed.values(ipc)
    for word in words.flatMap({ $0.split(separator: ",").map(String.init) }) {
      guard let named = PiMechanism.named(word) else {
        if word == "sem" {
          throw UsageError(
            "'--ipc sem': pi carries no sums through semaphores alone; they guard the shared"
              + " memory of '--ipc shm'", parsed.command)
        }
        throw UsageError(
          "unknown mechanism '\(printable(word))' for '--ipc'"
            + suggestion(for: word, among: mechanismChoices.map(\.value), quote: ""),
          parsed.command)
      }
      for mechanism in named where !mechanisms.contains(mechanism) { mechanisms.append(mechanism) }
    }
    func count(_ option: OptionSpec, max: Int) throws(UsageError) -> Int? {
      try parsed.value(option, "a whole number from 1 to \(max)") { text in
        Int(text.replacingUnderscores).flatMap { (1...max).contains($0) ? $0 : nil }
      }
    }
    let termCount = try parsed.value(terms)
    let workerCount = try parsed.value(workers)
    let sliceCount = try count(slices, max: 100_000_000) ?? workerCount
    return (mechanisms, PiPlan(terms: termCount, slices: sliceCount, workers: workerCount))
  }

  /// Below this many messages (one a slice), a run's time is the workers' arithmetic and the
  /// fork, not the IPC: a rate from the default ten would be noise (268 to 943 a second).
  static let fewestMessagesForRate = 1000

  static func table(_ results: [PiResult]) -> String {
    let headers = ["MECHANISM", "WORKERS", "SLICES", "PI", "|ERROR|", "TIME", "MSG/S", "OBJECTS", "LEFT"]
    let rows = results.map { result in
      [
        result.mechanism.rawValue, String(result.plan.workers), String(result.plan.slices),
        format(result.pi, "%.12g"), format(result.error, "%.3e"), format(result.seconds, "%.3fs"),
        result.plan.slices < fewestMessagesForRate ? "-" : format(result.messagesPerSecond, "%.0f"),
        String(result.objectsCreated),
        String(result.objectsLeft + result.descriptorsLeft + result.processesLeft),
      ]
    }
    var out = simpleTable(headers, rows)
    if results.contains(where: { $0.plan.slices < fewestMessagesForRate }) {
      // Under 80 columns: the time of so few messages is the arithmetic's.
      out += "MSG/S: shown from \(fewestMessagesForRate) slices up"
        + " ('ipctool pi --slices 100000 --terms 1000000')\n"
    }
    let clean = results.allSatisfy(\.isClean)
    out += clean
      ? "cleanup verified: no object, descriptor or process left\n"
      : "cleanup FAILED: something was left behind (see LEFT)\n"
    if !results.allSatisfy(\.isRight) {
      out += "value FAILED: a mechanism's sum is not what the series must give (see man ipctool)\n"
    }
    return out
  }

  static func json(_ results: [PiResult], plan: PiPlan) -> String {
    let runs: [JSON] = results.map { result in
      .object([
        ("mechanism", .string(result.mechanism.rawValue)), ("workers", .number(result.plan.workers)),
        ("slices", .number(result.plan.slices)), ("terms", .number(result.plan.terms)),
        ("pi", .double(result.pi)), ("error", .double(result.error)),
        ("sum", .double(result.sum)), ("expected_sum", .double(result.expectedSum)),
        ("tolerance", .double(result.tolerance)), ("value_verified", .bool(result.isRight)),
        ("seconds", .double(result.seconds)), ("messages_per_second", .double(result.messagesPerSecond)),
        ("objects_created", .number(result.objectsCreated)), ("objects_left", .number(result.objectsLeft)),
        ("descriptors_left", .number(result.descriptorsLeft)),
        ("processes_left", .number(result.processesLeft)),
      ])
    }
    return JSON.document(
      "runs", runs,
      extra: [
        ("cleanup_verified", .bool(results.allSatisfy(\.isClean))),
        ("value_verified", .bool(results.allSatisfy(\.isRight))),
      ])
  }

  static func format(_ value: Double, _ pattern: String) -> String {
    var buffer = [CChar](repeating: 0, count: 64)
    _ = withVaList([value]) { vsnprintf(&buffer, buffer.count, pattern, $0) }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}

extension String {
  /// "10_000_000" reads as 10000000.
  var replacingUnderscores: String { String(filter { $0 != "_" }) }
}
