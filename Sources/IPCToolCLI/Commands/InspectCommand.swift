import IPCKit

/// `ipctool inspect REF...`: everything the kernel tells about each object.
enum InspectCommand {
  static let spec = CommandSpec(
    name: "inspect", aliases: ["show"],
    abstract: "Show everything the kernel tells about objects.",
    discussion: [
      "Queues: limits, messages and bytes queued, notify and last pids, times. Shared memory:"
        + " size, attach count, creator and last pids, status. Semaphore sets: each semaphore's"
        + " value, waiters and last pid. Owner, creator, mode and times for all."
    ],
    arguments: [SharedOptions.reference],
    options: [SharedOptions.kind, SharedOptions.target, SharedOptions.json],
    examples: [
      Example(command: "ipctool inspect /jobs", explanation: "Every POSIX object named /jobs."),
      Example(command: "ipctool inspect sysv-shm:32769 --json", explanation: "One segment, as JSON."),
      Example(
        command: "ipctool inspect sysv-sem:0x0001e240",
        explanation: "Every semaphore of the set with key 0x1e240: value, waiters, last pid."),
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
    var found: [IPCObjectInfo] = []
    var status = ExitStatus.success
    for reference in references {
      do {
        let named = try inventory.find(reference, for: "inspect").filter { kinds.contains($0.kind) }
        // A name that only other kinds have is no such object of the kinds asked for.
        guard !named.isEmpty else {
          console.error("inspect \(reference): no such object")
          status = .failure
          continue
        }
        // What the caller may not read is still shown, as `ipcs -i` and lsipc do from
        // /proc/sysvipc: its record, with what needs read permission left out and said so.
        found += named
      } catch {
        console.error(error.line)
        status = .failure
      }
    }
    var fields = ObjectFields(users: UserNames())
    if !found.isEmpty {  // a /proc scan only when there is something to show users of
      let report = UsageScanner(context: inventory.context).scan()
      for index in found.indices { found[index].users = report.users(of: found[index]) }
      fields.holds = ApplicationHolds.read(inventory, findLeftSets: false)
    }
    if parsed.flag(SharedOptions.json) {
      console.out(fields.document(found, detail: true))
    } else {
      console.out(found.map { text($0, fields) }.joined(separator: "\n"))
    }
    return status
  }

  static func text(_ object: IPCObjectInfo, _ fields: ObjectFields) -> String {
    var out = object.reference.description + "\n"
    let otherFamily: Set<String> = object.kind.isNamed ? ["id", "key"] : ["name", "name_hex"]
    for field in fields.textLines(object)
    where field.key != "ref" && !otherFamily.contains(field.key) {
      let line = "  " + field.label.padding(to: 24) + field.text
      for part in line.split(separator: "\n", omittingEmptySubsequences: false) {
        out += String(part.reversed().drop { $0 == " " }.reversed()) + "\n"
      }
    }
    return out
  }
}

/// The references and `--kind` of inspect and unlink, or a usage error.
func referencesAndKinds(_ parsed: ParsedArguments) throws(UsageError)
  -> ([IPCReference], Set<IPCKind>)
{
  (try parseReferences(parsed), try parsed.selectedKinds())
}

/// Every positional argument as a reference, or a usage error naming the bad one.
func parseReferences(_ parsed: ParsedArguments) throws(UsageError) -> [IPCReference] {
  var references: [IPCReference] = []
  for word in parsed.positionals {
    do {
      references.append(try IPCReference(parsing: word))
    } catch {
      guard case .malformed = error, let objects = systemVObjects(spelled: word, in: parsed.context) else {
        throw UsageError(error.line, parsed.command)
      }
      // A bare key or id: the System V objects that have it, not the POSIX name "/0x1e240".
      let problem = error.description
      let choices = objects.map { "'\($0)'" }
      let listed = choices.dropLast().joined(separator: ", ")
        + (choices.count > 1 ? " or " : "") + (choices.last ?? "")
      throw UsageError("\(problem); did you mean \(listed)?", parsed.command)
    }
  }
  return references
}

/// The references of the System V objects whose key ("0x1e240") or id ("32769") `word` is,
/// as list spells them; nil when none has it.
func systemVObjects(spelled word: String, in context: IPCContext) -> [String]? {
  let kinds = Set(IPCKind.allCases.filter { !$0.isNamed })
  let key: Int32?
  let id: Int32?
  if word.lowercased().hasPrefix("0x"), let value = IPCKeyText.parse(word) {
    (key, id) = (value, nil)
  } else if let value = Int32(word), value >= 0, word.allSatisfy(\.isASCII) {
    (key, id) = (nil, value)
  } else {
    return nil
  }
  let found = Inventory(context: context).list(kinds, withValues: false).objects.compactMap { object -> String? in
    if let key, key != 0, object.key == key { return "\(object.kind.rawValue):\(formatKey(key))" }
    if let id, object.id == id { return "\(object.kind.rawValue):\(id)" }
    return nil
  }
  return found.isEmpty ? nil : found
}

extension String {
  func padding(to width: Int) -> String {
    count >= width ? self + " " : self + String(repeating: " ", count: width - count)
  }
}
