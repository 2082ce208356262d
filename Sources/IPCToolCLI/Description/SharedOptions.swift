import IPCKit

/// Options and values several commands share, described once.
enum SharedOptions {
  static let kindChoices: [Choice] =
    IPCKind.allCases.map { Choice(value: $0.rawValue, summary: $0.summary) }
    + IPCKindGroup.allCases.map { Choice(value: $0.rawValue, summary: $0.summary) }

  static let kind = OptionSpec(
    "kind", short: "k", value: "kind",
    help: "Only objects of this kind or group; repeat or separate with commas.",
    repeatable: true, values: .choices(kindChoices), commaList: true)

  static let json = OptionSpec("json", short: "J", help: "Print JSON instead of text.")

  static let target = OptionSpec(
    "target", short: "t", value: "pid",
    help: "Act in the IPC namespace of this process and on the /dev/shm it sees (a container's),"
      + " as nsenter -t PID -i does.",
    values: .processes)

  static let prefix = OptionSpec(
    "prefix", short: "p", value: "prefix",
    help: "Only POSIX objects whose name starts with this ('/pi_' and 'pi_' mean the same).",
    values: .names)

  static let owner = OptionSpec(
    "owner", short: "u", value: "user", help: "Only objects owned by this user name or uid.",
    values: .users)

  static let olderThan = OptionSpec(
    "older-than", value: "age",
    help: "Only objects idle longer than this (no change, message, attach or semop): 30s,"
      + " 10m, 2h, 7d.")

  static let idle = OptionSpec(
    "idle", value: "age", help: "The same as --older-than: age is time since the last activity.")

  static let unused = OptionSpec(
    "unused", help: "Only objects no process uses (System V segments: none attached).")

  static let key = OptionSpec(
    "key", value: "key", help: "Only System V objects with this key; repeatable.", repeatable: true)

  static let reference = ArgumentSpec(
    name: "ref",
    help: "An object: /name (every POSIX kind with that name), KIND:/name, KIND:ID or KIND:0xKEY.",
    arity: .oneOrMore, values: .references)
}
