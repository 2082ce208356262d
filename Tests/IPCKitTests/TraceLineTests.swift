import Glibc
import TestSupport
import Testing

@testable import IPCKit

/// trace_pipe lines as the kernel writes them, read from their right end: a command name, the
/// one text a traced process chooses, cannot change what a line says.
@Suite struct TraceLineTests {
  func parse(_ text: String) -> TraceLine? { TraceLine(Array(text.utf8)[...]) }

  @Test func readsAnEntryWithItsArguments() throws {
    let line = try #require(parse(
      "         python3-19069   [001] ..... 18063.918683: sys_shmget(key: 0x1234, size: 0x1000, shmflg: 0x380)"))
    #expect(line.pid == 19069)
    #expect(line.comm == Array("python3".utf8))
    #expect(line.nanoseconds == 18063_918683_000)
    #expect(line.body == .enter(call: "shmget", arguments: ["key": 0x1234, "size": 0x1000, "shmflg": 0x380]))
  }

  @Test func readsAReturnAsASignedValue() throws {
    let line = try #require(parse("  python3-7   [000] .N... 1.000002: sys_shmget -> 0xffffffffffffffef"))
    #expect(line.body == .exit(call: "shmget", value: -17))
  }

  @Test func readsAUprobeWithItsArrays() throws {
    let line = try #require(parse(
      "  python3-11577   [000] DBZff 17954.464018: shm_open: (0x7f842c6afb60) n0={0xff64630a62612f,0x0} fl=0xc2"))
    guard case .probe(let event, let values) = line.body else { Issue.record("\(line)"); return }
    #expect(event == "shm_open")
    #expect(values["n0"] == [0xff64630a62612f, 0])
    #expect(values["fl"] == [0xc2])
    #expect(EventAssembler.name(values) == Array("/ab\ncd".utf8) + [0xFF])
  }

  @Test(arguments: [
    "a] 1.0: sys_x",  // brackets and a forged event in the command name
    "x-1 [000] .....",
    "sys_shmget -> 0",
    "  -5 [",
  ])
  func aHostileCommandNameChangesNothing(comm: String) throws {
    let line = try #require(parse("\(comm)-4242   [001] ..... 5.000001: sys_msgget -> 0x3"))
    #expect(line.pid == 4242)
    #expect(line.comm == Array(Array(comm.utf8).drop { $0 == 0x20 }))
    #expect(line.body == .exit(call: "msgget", value: 3))
  }

  @Test func aCommandNameWithANewlineLeavesAHeadThatIsNoEvent() throws {
    // "a\nb" splits the line in two: the first part is nothing, the second still the event.
    #expect(parse("           a") == nil)
    let line = try #require(parse("b-99   [000] ..... 1.000001: sys_shmdt -> 0x0"))
    #expect(line.pid == 99)
  }

  @Test func countsLostEvents() {
    #expect(TraceLine.lostCount(Array("CPU:1 [LOST 42 EVENTS]".utf8)[...]) == 42)
    #expect(TraceLine.lostCount(Array("CPU:1 [LOST 42 EVENTS]-7 [000] ..... 1.0: sys_x -> 0x0".utf8)[...]) == nil)
  }
}

/// Entries and returns on one thread make one event; a C library call's errno is the last
/// failed system call inside it.
@Suite struct EventAssemblerTests {
  /// The assembler behind a reference, so expectations can feed it.
  final class Feed {
    var assembler = EventAssembler()
    func take(_ line: TraceLine) -> TraceEvent? { assembler.take(line) }
  }

  func line(_ pid: pid_t, _ body: TraceLine.Body) -> TraceLine {
    TraceLine(pid: pid, comm: Array("p".utf8), nanoseconds: 1, body: body)
  }

  @Test func aCLibraryCallTakesTheErrnoOfItsFailedOpen() throws {
    let assembler = Feed()
    #expect(assembler.take(line(5, .probe(event: "shm_open", values: ["n0": [0x626F6A2F], "fl": [0xC2]]))) == nil)
    #expect(assembler.take(line(6, .exit(call: "openat", value: -2))) == nil)  // another thread's
    #expect(assembler.take(line(5, .exit(call: "openat", value: -17))) == nil)
    let event = try #require(assembler.take(line(5, .probe(event: "shm_open_ret", values: ["rv": [UInt64(bitPattern: -1)]]))))
    #expect(event.call == .shmOpen && event.action == .create && event.failed)
    #expect(event.error == .fileExists)
    #expect(event.name == Array("/job".utf8))
  }

  @Test func aQueueOpenedThroughTheCLibraryIsOneEvent() throws {
    let assembler = Feed()
    _ = assembler.take(line(5, .probe(event: "mq_open", values: ["n0": [0x712F], "fl": [0x42]])))
    #expect(assembler.take(line(5, .enter(call: "mq_open", arguments: ["oflag": 0x42]))) == nil)
    #expect(assembler.take(line(5, .exit(call: "mq_open", value: 3))) == nil)
    let event = try #require(assembler.take(line(5, .probe(event: "mq_open_ret", values: ["rv": [3]]))))
    #expect(event.source == .libc && event.result == 3 && event.name == Array("/q".utf8))
  }

  @Test func shmdtNamesTheSegmentAnEarlierShmatAttached() throws {
    let assembler = Feed()
    _ = assembler.take(line(5, .enter(call: "shmat", arguments: ["shmid": 7, "shmaddr": 0, "shmflg": 0])))
    let attach = try #require(assembler.take(line(5, .exit(call: "shmat", value: 0x7f00_0000_0000))))
    #expect(attach.id == 7 && attach.action == .attach)
    _ = assembler.take(line(5, .enter(call: "shmdt", arguments: ["shmaddr": 0x7f00_0000_0000])))
    let detach = try #require(assembler.take(line(5, .exit(call: "shmdt", value: 0))))
    #expect(detach.id == 7 && detach.action == .detach)
  }

  @Test func aCallSeenByOneHalfIsCountedBrokenOnce() {
    let assembler = Feed()
    // Thread 5: an entry whose return was dropped, then a whole call.
    _ = assembler.take(line(5, .probe(event: "shm_open", values: ["n0": [0x612F], "fl": [0xC2]])))
    _ = assembler.take(line(5, .probe(event: "shm_unlink", values: ["n0": [0x612F]])))
    #expect(assembler.take(line(5, .probe(event: "shm_unlink_ret", values: ["rv": [0]]))) != nil)
    #expect(assembler.assembler.brokenCalls == 1)
    // Thread 6: a return whose entry was dropped.
    #expect(assembler.take(line(6, .exit(call: "shmget", value: 3))) == nil)
    #expect(assembler.assembler.brokenCalls == 2)
    // A failed openat outside any call is no call at all.
    _ = assembler.take(line(7, .exit(call: "openat", value: -2)))
    #expect(assembler.assembler.brokenCalls == 2)
  }

  @Test func muslsSemUnlinkCallingItsShmUnlinkIsOneCall() throws {
    let assembler = Feed()
    _ = assembler.take(line(5, .probe(event: "musl_sem_unlink", values: ["n0": [0x732F]])))
    _ = assembler.take(line(5, .probe(event: "musl_shm_unlink", values: ["n0": [0x732F]])))
    #expect(assembler.take(line(5, .probe(event: "musl_shm_unlink_ret", values: ["rv": [0]]))) == nil)
    let event = try #require(assembler.take(line(5, .probe(event: "musl_sem_unlink_ret", values: ["rv": [0]]))))
    #expect(event.call == .semUnlink && event.name == Array("/s".utf8))
    #expect(assembler.assembler.brokenCalls == 0)
  }

  @Test func aReturnWithoutItsEntryIsNoEvent() {
    let assembler = Feed()
    // shmctl's IPC_STAT is filtered out on entry; its return still arrives.
    #expect(assembler.take(line(5, .exit(call: "shmctl", value: 0))) == nil)
  }
}

/// The symbols of the C library this process runs on, as uprobes need them.
@Suite struct ElfSymbolsTests {
  @Test func findsTheNamedObjectCallsOfTheRunningCLibrary() throws {
    let library = try #require(LibcProbes.runningLibrary(proc: "/proc"))
    let file = try FileDescriptor.open(library, O_RDONLY)
    let symbols = try #require(ElfSymbols(try file.read(upTo: 1 << 28)))
    for function in LibcProbes.functions { #expect(symbols.offsets[function.name] != nil, "\(function.name)") }
    // `nm -D` agrees, where it is installed (its addresses are the file offsets in libc's
    // first segment, where these functions are).
    guard installed("nm") else { return }
    let listing = try runProgram("/usr/bin/env", ["nm", "-D", library]).stdout
    for function in LibcProbes.functions {
      let line = listing.split(separator: "\n").first { $0.hasSuffix(" T \(function.name)@@GLIBC_2.34") }
      let address = line.flatMap { UInt64($0.prefix(16), radix: 16) }
      #expect(address == symbols.offsets[function.name], "\(function.name): \(line ?? "none")")
    }
  }

  @Test func isNotFooledByWhatIsNotElf() {
    #expect(ElfSymbols(Array(repeating: 0x7F, count: 100)) == nil)
    #expect(ElfSymbols([]) == nil)
  }
}

/// Dropped events turned into lost calls.
@Suite struct LostCallsTests {
  @Test func brokenCallsCostOneEventAndWholeOnesTwo() {
    // 3 broken calls and 2 lost whole: 3 + 2 x 2 events dropped.
    let lost = LostCalls.resolve(dropped: 7, broken: 3, open: 0, sideDropped: 0, sideHoldsCalls: false, selectionIsKernels: true)
    #expect(lost == LostCalls(count: 5, exact: true))
  }

  @Test func oneOpenCallIsToldByParity() {
    // Its return dropped (odd) or still to come (even).
    #expect(LostCalls.resolve(dropped: 5, broken: 0, open: 1, sideDropped: 0, sideHoldsCalls: false, selectionIsKernels: true)
      == LostCalls(count: 3, exact: true))
    #expect(LostCalls.resolve(dropped: 4, broken: 0, open: 1, sideDropped: 0, sideHoldsCalls: false, selectionIsKernels: true)
      == LostCalls(count: 2, exact: true))
  }

  @Test func aCountThatMayHoldOtherCallsIsABound() {
    #expect(LostCalls.resolve(dropped: 4, broken: 0, open: 0, sideDropped: 0, sideHoldsCalls: false, selectionIsKernels: false)
      == LostCalls(count: 2, exact: false))
    #expect(LostCalls.resolve(dropped: 4, broken: 0, open: 2, sideDropped: 0, sideHoldsCalls: false, selectionIsKernels: true)
      == LostCalls(count: 4, exact: false))
    // ctl calls, in the side instance, lose at most one call an event.
    #expect(LostCalls.resolve(dropped: 0, broken: 0, open: 0, sideDropped: 3, sideHoldsCalls: true, selectionIsKernels: true)
      == LostCalls(count: 3, exact: false))
    // The side's drops of failed openats cost errno names, not calls.
    #expect(LostCalls.resolve(dropped: 0, broken: 0, open: 0, sideDropped: 3, sideHoldsCalls: false, selectionIsKernels: true)
      == LostCalls(count: 0, exact: true))
  }
}
