import Glibc
import IPCKit

/// `ipctool why REF...`: where an object came from — what the kernel keeps, its creator if it
/// still runs, its users and holders, and the calls `trace --record` saw.
enum WhyCommand {
  static let journal = OptionSpec(
    "journal", value: "file",
    help: "The journal trace --record writes and why reads.", default: TraceJournal.defaultPath)

  static let spec = CommandSpec(
    name: "why",
    abstract: "Tell where objects came from: creator, holders, users, ages, and the calls traced.",
    discussion: [
      "What the kernel keeps (as inspect shows it), then the story: the creator pid of a System V"
        + " segment and its command line if it still runs (POSIX objects, queues and semaphore"
        + " sets keep no creator), and every call a 'trace --record' journal holds about the"
        + " object: who created, opened, attached and removed it, when, and with what result.",
      "An object that no longer exists is told from the journal alone. A System V id is reused"
        + " once its object is removed: journal events older than the object may be another's.",
    ],
    arguments: [SharedOptions.reference],
    options: [SharedOptions.target, journal, SharedOptions.json],
    examples: [
      Example(command: "ipctool why /jobs", explanation: "Who made /jobs, who uses it, what was traced."),
      Example(command: "ipctool why sysv-shm:32769", explanation: "A segment's creator, if it still runs."),
    ],
    run: { parsed, console in run(parsed, console) })

  static func run(_ parsed: ParsedArguments, _ console: Console) -> ExitStatus {
    let references: [IPCReference]
    do {
      references = try parsed.positionals.map { word throws(UsageError) in
        do { return try IPCReference(parsing: word) } catch {
          throw UsageError("\(error)", parsed.command)
        }
      }
    } catch {
      console.errRaw(error.line + "\n")
      return .usage
    }
    let journal = TraceJournal(path: parsed.typed(self.journal) ?? TraceJournal.defaultPath)
    let recorded = journal.events()
    let inventory = Inventory(context: parsed.context)
    var stories: [ObjectStory] = []
    var status = ExitStatus.success
    for reference in references {
      do {
        // --target has joined the target's IPC namespace: this one is then its.
        let told = try ObjectStory.tell(
          reference, inventory: inventory, journal: recorded,
          namespace: TraceSelection.namespace(of: getpid()))
        if told.isEmpty {
          console.error("why \(reference): no such object, and no call about it in \(printable(journal.path))")
          status = .failure
        }
        stories += told
      } catch {
        console.error(error.line)
        status = .failure
      }
    }
    var fields = ObjectFields(users: UserNames())
    var objects = stories.compactMap(\.object)
    if !objects.isEmpty {
      let report = UsageScanner(context: inventory.context).scan()
      for index in objects.indices { objects[index].users = report.users(of: objects[index]) }
      fields.holds = ApplicationHolds.read(inventory, findLeftSets: false)
    }
    var withUsers = objects.makeIterator()
    for index in stories.indices where stories[index].object != nil { stories[index].object = withUsers.next() }
    if parsed.flag(SharedOptions.json) {
      console.out("{\"stories\": [\n" + stories.map { json($0, fields) }.joined(separator: ",\n") + "\n]}\n")
    } else {
      console.out(stories.map { text($0, fields) }.joined(separator: "\n"))
    }
    return status
  }

  static func text(_ story: ObjectStory, _ fields: ObjectFields) -> String {
    var out: String
    if let object = story.object {
      out = InspectCommand.text(object, fields)
    } else {
      let first = story.events.first.map(TraceWording.reference) ?? story.kind.rawValue
      out = first + "\n  exists                  no (removed, or made in another namespace)\n"
    }
    if let pid = story.creatorPID {
      let running = story.creator.map { "running: \($0.shortCommand)" } ?? "no longer running"
      out += "  creator                 pid \(pid), \(running)\n"
    } else if story.object != nil {
      out += "  creator                 not kept by the kernel for this kind\n"
    }
    if story.events.isEmpty {
      out += "  traced calls            none recorded (ipctool trace --record keeps them)\n"
    } else {
      out += "  traced calls            \(story.events.count)\n"
      for event in story.events {
        out += "    " + TraceWording.clock(event.time) + "  " + TraceWording.result(event) + "  "
          + event.call.rawValue + " (" + event.action.rawValue + ") by pid \(event.pid) "
          + TraceWording.command(event) + "\n"
      }
    }
    return out
  }

  static func json(_ story: ObjectStory, _ fields: ObjectFields) -> String {
    let object: String
    if let value = story.object {
      let out = ByteBuffer()
      fields.writeJSON(value, detail: true, to: out)
      object = out.string
    } else {
      object = "null"
    }
    let events = story.events.map { TraceWording.json($0).dropLast() }.joined(separator: ", ")
    return "{\"kind\": \(JSON.string(story.kind.rawValue).text), \"object\": \(object),"
      + " \"creator_pid\": \(JSON.number(story.creatorPID).text),"
      + " \"creator_command\": \(JSON.string(story.creator?.command).text), \"traced\": [\(events)]}"
  }
}
