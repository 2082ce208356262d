import Glibc

/// A growable byte buffer that appends with memcpy: listings write megabytes of JSON, and
/// Array's generic append copied them a byte at a time.
///
/// Its fields are not checked for exclusive access at run time: a buffer belongs to one thread,
/// no method reaches another's field while changing one, and the checks (a thread-local lookup
/// per append) were a tenth of a listing's time in user space.
final class ByteBuffer {
  @exclusivity(unchecked) private(set) var base: UnsafeMutablePointer<UInt8>
  @exclusivity(unchecked) private(set) var count = 0
  @exclusivity(unchecked) private var capacity: Int

  init(capacity: Int = 4096) {
    self.capacity = max(capacity, 64)
    base = .allocate(capacity: self.capacity)
  }

  deinit { base.deallocate() }

  func append(_ bytes: UnsafeRawBufferPointer) {
    guard let source = bytes.baseAddress, bytes.count > 0 else { return }
    reserve(bytes.count)
    memcpy(base + count, source, bytes.count)
    count += bytes.count
  }

  func append(_ byte: UInt8) {
    reserve(1)
    base[count] = byte
    count += 1
  }

  /// Appends a literal without building a String.
  func append(_ text: StaticString) {
    text.withUTF8Buffer { append(UnsafeRawBufferPointer($0)) }
  }

  /// Appends a string's UTF-8.
  func append(_ text: String) {
    // In place where the string is contiguous, as nearly every one is: no copy to retain.
    let done: Void? = text.utf8.withContiguousStorageIfAvailable { append(UnsafeRawBufferPointer($0)) }
    guard done == nil else { return }
    var text = text
    text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
  }

  /// Drops the first `count` bytes.
  func removeFirst(_ count: Int) {
    let dropped = min(count, self.count)
    memmove(base, base + dropped, self.count - dropped)
    self.count -= dropped
  }

  func appendSpaces(_ count: Int) {
    guard count > 0 else { return }
    reserve(count)
    (base + self.count).initialize(repeating: UInt8(ascii: " "), count: count)
    self.count += count
  }

  /// Appends a number's digits without building a String.
  func appendDecimal(_ value: UInt64) {
    reserve(20)
    var digits = 0
    var rest = value
    repeat {
      digits += 1
      rest /= 10
    } while rest > 0
    rest = value
    for position in stride(from: count + digits - 1, through: count, by: -1) {
      base[position] = UInt8(ascii: "0") + UInt8(rest % 10)
      rest /= 10
    }
    count += digits
  }

  var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

  var string: String { String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self) }

  @inline(__always)
  private func reserve(_ extra: Int) {
    if count + extra > capacity { grow(extra) }
  }

  private func grow(_ extra: Int) {
    let grown = max(capacity * 2, count + extra)
    let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
    bigger.update(from: base, count: count)
    base.deallocate()
    base = bigger
    capacity = grown
  }
}
