import Glibc
import IPCKit

/// `ipctool set REF [--mode M] [--owner USER[:GROUP]] [--size BYTES]`: changes an object's mode
/// and owner (IPC_SET for System V, fchmod/fchown on a descriptor for POSIX), and a System V
/// queue's byte limit.
enum SetCommand {
  static let spec = CommandSpec(
    name: "set",
    abstract: "Change an object's mode or owner, or a System V queue's byte limit.",
    discussion: [
      "System V objects change through IPC_SET (msgctl, shmctl, semctl), POSIX objects through"
        + " fchmod and fchown on a descriptor of the object, never its path; a POSIX object is"
        + " opened for reading, so its owner needs the read bit. Prints 'REF: BEFORE -> AFTER'"
        + " (mode, owner:group). At least one option is needed. --size is for System V queues"
        + " (msg_qbytes; above kernel.msgmnb only for a privileged caller). A refusal (such as"
        + " EPERM from a caller that is not the owner) is one line, exit 1, and changes nothing;"
        + " a usage error exits 2."
    ],
    arguments: [
      ArgumentSpec(
        name: "ref", help: "The object: /name, posix-mq:/name, sysv-mq:ID, sysv-shm:0xKEY...",
        arity: .required, values: .references)
    ],
    options: [mode.spec, owner.spec, size.spec, SharedOptions.target],
    examples: [
      Example(command: "ipctool set posix-shm:/frames --mode 0640", explanation: "Let the group read."),
      Example(command: "ipctool set sysv-mq:3 --owner www-data:www-data --size 65536",
        explanation: "Hand a queue over and raise its byte limit."),
    ],
    run: { parsed, console in run(parsed, console) })

  /// --mode as `create` reads it, without its default.
  static let mode: TypedOption<IPCPermissions> = {
    var option = CreateCommand.mode.typed
    option.spec.defaultValue = nil
    option.spec.help = "New permissions."
    return option
  }()
  static let owner = TypedOption(
    OptionSpec("owner", short: "o", value: "user[:group]", help: "New owner, group or both (:group).", values: .users),
    expected: SettingsWording.ownerExpected, read: Owner.init(_:))
  static let size = TypedOption(
    OptionSpec(
      "size", short: "s", value: "bytes", help: "A System V queue's byte limit (msg_qbytes); suffixes K, M, G.",
      values: .number),
    expected: "a size such as 16384 or 64K", read: CreateCommand.size.read)

  /// What --owner names: a user, a group, or both.
  struct Owner: Sendable {
    var uid: uid_t?
    var gid: gid_t?

    init?(_ text: String) {
      let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
      if !parts[0].isEmpty {
        guard let uid = UserNames.uid(of: parts[0]) else { return nil }
        self.uid = uid
      }
      if parts.count == 2 {
        guard !parts[1].isEmpty, let gid = GroupNames.gid(of: parts[1]) else { return nil }
        self.gid = gid
      }
      if uid == nil && gid == nil { return nil }
    }
  }

  static func run(_ parsed: ParsedArguments, _ console: Console) -> ExitStatus {
    var settings = ObjectSettings()
    let object: IPCObjectInfo
    do {
      settings.permissions = try parsed.value(mode)
      let owner = try parsed.value(owner)
      settings.uid = owner?.uid
      settings.gid = owner?.gid
      settings.queueBytes = try parsed.value(size)
      guard settings != ObjectSettings() else {
        throw MessageFailure.usage(UsageError(SettingsWording.nothingToSet, parsed.command))
      }
      object = try objectNamed(parsed.positionals[0], parsed)
      if settings.queueBytes != nil, object.kind != .sysvQueue {
        let subject = object.reference.description
        throw MessageFailure.usage(
          UsageError(SettingsWording.sizeNotAQueue(subject, object.kind), parsed.command))
      }
    } catch let failure as MessageFailure {
      return SendCommand.report(failure, console)
    } catch let error as UsageError {
      console.errRaw(error.line + "\n")
      return .usage
    } catch {
      preconditionFailure("\(error)")
    }
    let subject = object.reference.description
    do {
      let (before, after) = try settings.apply(to: object, context: parsed.context)
      let users = UserNames()
      let groups = GroupNames()
      let withSize = settings.queueBytes != nil
      console.out(
        "\(subject): " + SettingsWording.state(before, withSize: withSize, users: users, groups: groups)
          + " -> " + SettingsWording.state(after, withSize: withSize, users: users, groups: groups) + "\n")
      return .success
    } catch {
      console.error(SettingsWording.line(error, subject))
      return .failure
    }
  }

  /// The one object `word` names; a bare /name that several POSIX kinds have is a usage error.
  static func objectNamed(_ word: String, _ parsed: ParsedArguments) throws(MessageFailure) -> IPCObjectInfo {
    let reference: IPCReference
    do {
      reference = try IPCReference(parsing: word)
    } catch {
      throw .usage(UsageError(error.description, parsed.command))
    }
    let found: [IPCObjectInfo]
    do {
      found = try Inventory(context: parsed.context).find(reference, for: "set")
    } catch {
      throw .failed(error.line)
    }
    guard found.count == 1 else {
      guard !found.isEmpty else {
        throw .failed(IPCError(operation: "set", subject: reference.description, reason: .noSuchObject).line)
      }
      throw .usage(UsageError(SettingsWording.several(reference.description, found.map(\.kind)), parsed.command))
    }
    return found[0]
  }
}
