import IPCKit

/// `ipctool dump REF [--offset O] [--length L] [--hex]`: a segment's bytes, read-only.
enum DumpCommand {
  static let spec = CommandSpec(
    name: "dump",
    abstract: "Print the bytes of a shared memory segment.",
    discussion: [
      "The segment is mapped read-only (a POSIX segment's file with PROT_READ, a System V"
        + " segment attached with SHM_RDONLY): nothing can be written through it. To a file or"
        + " pipe the bytes are written as they are; on a terminal, or with --hex, as hexdump -vC"
        + " shows them, offsets counted from the segment's start. A range that ends past the"
        + " segment's size fails with one line naming the size, exit 1. A reference that names"
        + " no segment is refused: exit 2 when its kind is written (sysv-mq:5), else 1."
    ],
    arguments: [
      ArgumentSpec(
        name: "ref", help: "The segment: /name, posix-shm:/name, sysv-shm:ID or sysv-shm:0xKEY.",
        arity: .required, values: .references)
    ],
    options: [offset.spec, length.spec, hex, SharedOptions.target],
    examples: [
      Example(command: "ipctool dump /frames --length 64", explanation: "The first 64 bytes."),
      Example(command: "ipctool dump sysv-shm:3 > seg.bin", explanation: "A whole segment, raw."),
    ],
    run: { parsed, console in run(parsed, console) })

  static let offset = TypedOption(
    OptionSpec(
      "offset", short: "o", value: "bytes", help: "Start here (default 0); suffixes K, M, G.",
      values: .number),
    expected: "a size such as 4096, 4K or 1M") { ByteSize.parse($0).flatMap { Int(exactly: $0) } }
  static let length = TypedOption(
    OptionSpec(
      "length", short: "l", value: "bytes", help: "This many bytes (default: to the end).",
      values: .number),
    expected: "a size such as 4096, 4K or 1M") { ByteSize.parse($0).flatMap { Int(exactly: $0) } }
  static let hex = OptionSpec("hex", short: "x", help: "Write hexdump -vC lines, also to a file or pipe.")

  static func run(_ parsed: ParsedArguments, _ console: Console) -> ExitStatus {
    let segment: IPCObjectInfo
    let start: Int
    let count: Int?
    do {
      start = try parsed.value(offset) ?? 0
      count = try parsed.value(length)
      segment = try segmentNamed(parsed.positionals[0], parsed)
    } catch let failure as MessageFailure {
      return SendCommand.report(failure, console)
    } catch let error as UsageError {
      console.errRaw(error.line + "\n")
      return .usage
    } catch {
      preconditionFailure("\(error)")
    }
    let subject = segment.reference.description
    do {
      let bytes = try SegmentBytes.read(segment, context: parsed.context, offset: start, length: count)
      let out = ByteBuffer(capacity: bytes.count * 4 + 16)
      if parsed.flag(hex) || Terminal.columns(1) != nil {
        out.append(HexDump.lines(bytes, from: start))
      } else {
        bytes.withUnsafeBytes { out.append($0) }
      }
      console.out([out])
      return .success
    } catch {
      console.error(DumpWording.line(error, subject))
      return .failure
    }
  }

  /// The one segment `word` names, as `MessageOptions.queue` finds a queue.
  static func segmentNamed(_ word: String, _ parsed: ParsedArguments) throws(MessageFailure)
    -> IPCObjectInfo
  {
    let reference: IPCReference
    do {
      reference = try IPCReference(parsing: word)
    } catch {
      throw .usage(UsageError(error.description, parsed.command))
    }
    if let kind = reference.kind, !kind.isSegment {
      throw .usage(UsageError(DumpWording.notASegment(reference.description, kind), parsed.command))
    }
    let found: [IPCObjectInfo]
    do {
      found = try Inventory(context: parsed.context).find(reference, for: "dump")
    } catch {
      throw .failed(error.line)
    }
    guard let segment = found.first(where: { $0.kind.isSegment }) else {
      throw .failed("dump \(reference): " + DumpWording.notASegment(found.first?.kind ?? .posixQueue))
    }
    return segment
  }
}

extension IPCKind {
  var isSegment: Bool { self == .posixSharedMemory || self == .sysvSharedMemory }
}
