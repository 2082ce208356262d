/// The functions a shared library exports (its .dynsym), at the file offsets uprobes take.
///
/// Only what uprobes need: 64-bit little-endian ELF, defined function symbols, offsets in the
/// file (a symbol's address less its loadable segment's address, plus the segment's offset).
struct ElfSymbols {
  /// Each exported function's file offset, by name (versions such as @GLIBC_2.34 share one).
  let offsets: [String: UInt64]

  /// Reads the symbols of `bytes`, a whole ELF file; nil if it is not one this reads.
  init?(_ bytes: [UInt8]) {
    func integer(_ at: Int, _ size: Int) -> UInt64? {
      guard at >= 0, at + size <= bytes.count else { return nil }
      var value: UInt64 = 0
      for index in (0..<size).reversed() { value = value << 8 | UInt64(bytes[at + index]) }
      return value
    }
    // "\x7fELF", 64-bit (2), little-endian (1).
    guard bytes.count > 64, bytes[0..<4].elementsEqual([0x7F, 0x45, 0x4C, 0x46]), bytes[4] == 2,
      bytes[5] == 1, let programHeaders = integer(0x20, 8), let sectionHeaders = integer(0x28, 8),
      let programCount = integer(0x38, 2), let sectionCount = integer(0x3C, 2)
    else { return nil }
    // Loadable segments: (address, size in file, offset in file).
    var segments: [(address: UInt64, size: UInt64, offset: UInt64)] = []
    for index in 0..<Int(programCount) {
      let at = Int(programHeaders) + index * 56
      guard integer(at, 4) == 1, let offset = integer(at + 8, 8), let address = integer(at + 16, 8),
        let size = integer(at + 32, 8)
      else { continue }
      segments.append((address, size, offset))
    }
    var found: [String: UInt64] = [:]
    for index in 0..<Int(sectionCount) {
      let at = Int(sectionHeaders) + index * 64
      guard integer(at + 4, 4) == 11,  // SHT_DYNSYM
        let symbols = integer(at + 24, 8), let size = integer(at + 32, 8),
        let link = integer(at + 40, 4), let strings = integer(Int(sectionHeaders) + Int(link) * 64 + 24, 8)
      else { continue }
      for symbol in stride(from: Int(symbols), to: Int(symbols + size), by: 24) {
        guard let nameAt = integer(symbol, 4), let info = integer(symbol + 4, 1),
          info & 0xF == 2,  // STT_FUNC
          integer(symbol + 6, 2) != 0,  // defined here
          let address = integer(symbol + 8, 8),
          let segment = segments.first(where: { address >= $0.address && address < $0.address + $0.size })
        else { continue }
        let start = Int(strings + nameAt)
        guard start < bytes.count, let end = bytes[start...].firstIndex(of: 0) else { continue }
        found[String(decoding: bytes[start..<end], as: UTF8.self)] = address - segment.address + segment.offset
      }
    }
    offsets = found
  }
}
