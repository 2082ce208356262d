import IPCKit

/// `ipctool __complete refs|names|pids PREFIX`: the candidates the completion scripts ask
/// for, one per line as "value<TAB>description", grouped past a few hundred (a group's line
/// ends in "<TAB>group"). Hidden, fast, and silent on stderr, so nothing ever lands in the
/// prompt.
enum CompleteCallback {
  static let spec = CommandSpec(
    name: "__complete",
    abstract: "Print completion candidates (used by the completion scripts).",
    arguments: [
      ArgumentSpec(name: "what", help: "refs or names.", arity: .required),
      ArgumentSpec(name: "prefix", help: "What is typed so far.", arity: .optional),
    ],
    isHidden: true,
    run: { parsed, console in run(parsed, console) })

  static func run(_ parsed: ParsedArguments, _ console: Console) -> ExitStatus {
    let prefix = parsed.positionals.count > 1 ? parsed.positionals[1] : ""
    if parsed.positionals[0] == "pids" {
      console.out(lines(processes(prefix)))
      return .success
    }
    let what = parsed.positionals[0]
    let named = what == "names" ? (prefix.hasPrefix("/") || prefix.isEmpty ? prefix : "/" + prefix) : prefix
    // A word that starts with "/" can only be a POSIX name: read only the names it starts,
    // before any file is stat'ed.
    let kinds = Set(named.hasPrefix("/") || what == "names" ? IPCKind.allCases.filter(\.isNamed) : IPCKind.allCases)
    let inventory = Inventory(context: parsed.context)
    let fileKinds = kinds.intersection(IPCKind.shmFileKinds)
    // /dev/shm's names alone first: where they make more candidates than will be described
    // (they are grouped), no file is stat'ed to describe them; else only theirs are.
    let files = inventory.shmNames(fileKinds, namePrefix: rawPrefix(named))
    let byName = fromNames(files, what == "names" ? named : prefix, references: what == "refs")
    let many = byName.count > CandidateGroups.limit
    let others = inventory.list(kinds.subtracting(fileKinds), withValues: false, namePrefix: rawPrefix(named)) { $0 }
    // In listing order: by kind, each kind as read.
    let byKind = Dictionary(grouping: Array(others.parts.joined()) + (many ? [] : inventory.shmObjects(files)), by: \.kind)
    let objects = IPCKind.allCases.sorted().flatMap { byKind[$0] ?? [] }
    var candidates: [(String, String)]
    switch what {
    case "names": candidates = names(objects, named)
    case "refs": candidates = references(objects, prefix)
    default: candidates = []
    }
    if many {
      let more = Set(candidates.map(\.0))
      candidates += byName.filter { !more.contains($0.0) }
    }
    console.out(lines(candidates))
    return .success
  }

  /// The candidates that POSIX segments' and semaphores' names make by themselves: "/name"
  /// (once for both kinds), and for references KIND:/name. Described by kind only.
  static func fromNames(
    _ found: [(kind: IPCKind, name: IPCName)], _ prefix: String, references: Bool
  ) -> [(String, String)] {
    var out: [(String, String)] = []
    var seen: Set<String> = []
    for (kind, name) in found {
      let text = name.description
      if (!references || prefix.isEmpty || prefix.hasPrefix("/")) && text.hasPrefix(prefix)
        && seen.insert(text).inserted
      {
        out.append((text, kind.rawValue))
      }
      if references && !prefix.hasPrefix("/") {
        let reference = kind.rawValue + ":" + text
        if reference.hasPrefix(prefix) { out.append((reference, kind.summary)) }
      }
    }
    return out
  }

  /// "value<TAB>description", and for a group "<TAB>group" after it (see `CandidateGroups`).
  static func lines(_ candidates: [(String, String)]) -> String {
    CandidateGroups.fit(candidates).map {
      "\($0.value)\t\($0.description)\($0.isGroup ? "\tgroup" : "")\n"
    }.joined()
  }

  /// The bytes a typed "/name" prefix stands for, where it reads back as typed (a half-typed
  /// escape such as "/v\x" does not, and then every name is looked at).
  static func rawPrefix(_ typed: String) -> [UInt8]? {
    guard typed.hasPrefix("/"), let bytes = try? Escaping.unescape(typed),
      Escaping.escape(bytes) == typed
    else { return nil }
    return bytes
  }

  /// Every process whose pid starts with `prefix`, with its command line, for --target.
  static func processes(_ prefix: String) -> [(String, String)] {
    Processes.all(proc: IPCContext.fromEnvironment().paths.proc).filter { String($0.pid).hasPrefix(prefix) }
      .map { (String($0.pid), $0.shortCommand) }
  }

  /// A bare "/name" for each POSIX name, and KIND:... for every object.
  static func references(_ objects: [IPCObjectInfo], _ prefix: String) -> [(String, String)] {
    var out: [(String, String)] = []
    if prefix.isEmpty || prefix.hasPrefix("/") {
      out += names(objects, prefix)
    }
    if !prefix.hasPrefix("/") {
      // "sysv-shm:0x" asks for System V objects by key: KIND:0xKEY, for those that have one.
      let byKey = prefix.contains(":0x")
      for object in objects {
        var ref = object.reference.description
        if byKey {
          guard !object.kind.isNamed, let key = object.key, key != 0 else { continue }
          ref = object.kind.rawValue + ":" + formatKey(key)
        }
        guard ref.hasPrefix(prefix) else { continue }
        out.append((ref, describe(object)))
      }
    }
    return out
  }

  static func names(_ objects: [IPCObjectInfo], _ prefix: String) -> [(String, String)] {
    var kinds: [String: [String]] = [:]
    var order: [String] = []
    for object in objects {
      guard let name = object.name?.description, name.hasPrefix(prefix) else { continue }
      if kinds[name] == nil { order.append(name) }
      kinds[name, default: []].append(object.kind.rawValue)
    }
    return order.map { ($0, (kinds[$0] ?? []).joined(separator: ", ")) }
  }

  static func describe(_ object: IPCObjectInfo) -> String {
    var parts = [object.kind.summary]
    if let size = object.details.size { parts.append(ByteSize.human(size)) }
    if let key = object.key, key != 0 { parts.append("key " + formatKey(key)) }
    return parts.joined(separator: ", ")
  }
}
