@testable import IPCKit
import Testing

@testable import IPCToolCLI

/// Options carry typed values and defaults: what help shows as the default is the value the
/// command uses, and each command reads values, not strings.
@Suite struct OptionValueTests {
  static func parsed(_ command: CommandSpec, _ words: [String]) throws(UsageError) -> ParsedArguments {
    try ArgumentParser(command: command).parse(words)
  }

  /// The default help shows reads back as the default the command uses.
  @Test func shownDefaultsReadAsTheDefaults() throws {
    #expect(CreateCommand.mode.typed.read(try #require(CreateCommand.mode.spec.defaultValue))
      == CreateCommand.mode.defaultValue)
    #expect(CreateCommand.mode.defaultValue == IPCPermissions(rawValue: 0o600))
    for option in [CreateCommand.posixValue] {
      #expect(option.typed.read(try #require(option.spec.defaultValue)) == option.defaultValue)
    }
    #expect(CreateCommand.sysvValue.typed.read(try #require(CreateCommand.sysvValue.spec.defaultValue))
      == CreateCommand.sysvValue.defaultValue)
    #expect(ListCommand.timeFormat.typed.read(try #require(ListCommand.timeFormat.spec.defaultValue))
      == ListCommand.timeFormat.defaultValue)
  }

  @Test func createUsesTheDefaultsWhenNoneIsTyped() throws {
    let (spec, permissions) = try CreateCommand.request(try Self.parsed(CreateCommand.spec, ["posix-sem", "/x"]))
    #expect(permissions == IPCPermissions(rawValue: 0o600))
    guard case .posixSemaphore(_, let value) = spec else { Issue.record("\(spec)"); return }
    #expect(value == 0)
    let typed = try CreateCommand.request(try Self.parsed(CreateCommand.spec, ["posix-sem", "/x", "-m", "0640"]))
    #expect(typed.1 == IPCPermissions(rawValue: 0o640))
  }

  /// Each kind of semaphore takes its own range of --value, with its own message.
  @Test(arguments: [
    (["posix-sem", "/x", "--value", "2147483648"], "expected a value from 0 to 2147483647"),
    (["sysv-sem", "--count", "1", "--value", "32768"], "expected a value from 0 to 32767"),
    (["sysv-sem", "--count", "1", "--value", "-1"], "expected a value from 0 to 32767"),
    (["posix-shm", "/x", "--size", "-5"], "invalid value '-5' for '--size': expected a size"),
    (["posix-mq", "/x", "--max-messages", "0"], "expected a whole number from 1 to 1048576"),
  ])
  func badValuesNameTheOptionAndWhatItTakes(words: [String], message: String) throws {
    do {
      _ = try CreateCommand.request(try Self.parsed(CreateCommand.spec, words))
      Issue.record("\(words) was taken")
    } catch {
      #expect(error.line.contains(message), "\(error.line)")
    }
  }

  /// -o and --sort read columns: "+" adds to the defaults; any case; lsipc's names.
  @Test func columnsAreReadOnce() throws {
    let parsed = try Self.parsed(ListCommand.spec, ["-o", "+KEY,ctime", "--sort", "NATTCH", "--time-format", "iso"])
    let request = try #require(try parsed.value(ListCommand.output))
    #expect(request.adds && request.columns.map(\.name) == ["key", "changed"])
    #expect(request.applied(to: [ListColumn.named("ref")!]).map(\.name) == ["ref", "key", "changed"])
    #expect(try parsed.value(ListCommand.sort)?.name == "usage")
    #expect(try parsed.value(ListCommand.timeFormat) == .iso)
    let bare = try Self.parsed(ListCommand.spec, [])
    #expect(try bare.value(ListCommand.output) == nil && bare.value(ListCommand.timeFormat) == .standard)
  }

  @Test(arguments: [
    (["-o", "ref,bogus"], "unknown column 'bogus' for '--output'; columns: namespace, container, ref,"),
    (["--sort", "bogus"], "unknown column 'bogus' for '--sort'; columns: namespace,"),
    (["-o", "REF,USE%"], "column 'USE%' is lsipc --global's: see 'ipctool limits'"),
    (["--time-format", "x"], "unknown time format 'x' for '--time-format'; formats: standard, short"),
  ])
  func badColumnsAndFormatsAreUsageErrors(words: [String], message: String) throws {
    let parsed = try Self.parsed(ListCommand.spec, words)
    do {
      _ = try parsed.value(ListCommand.output)
      _ = try parsed.value(ListCommand.sort)
      _ = try parsed.value(ListCommand.timeFormat)
      Issue.record("\(words) was taken")
    } catch {
      #expect(error.line.hasPrefix("ipctool: " + message), "\(error.line)")
    }
  }
}
