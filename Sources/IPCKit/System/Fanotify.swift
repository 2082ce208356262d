import CIPCShims
import Glibc

/// A fanotify group that reports entries created in and removed from the directories it marks
/// (`/dev/shm`, a mqueue mount), with the entry's name and the thread that caused it — whatever
/// call made it, through any C library or none.
///
/// Its marks live as long as the group's descriptor: closing it (as the kernel does for a
/// killed process) removes them, so nothing is left behind.
struct Fanotify: ~Copyable {
  let descriptor: FileDescriptor

  /// One entry created or removed.
  struct Event: Equatable {
    enum Change: Equatable { case created, removed }
    var change: Change
    /// The thread (0 when it is not visible in this pid namespace).
    var thread: pid_t
    /// The entry's name, bytes.
    var name: [UInt8]
  }

  /// Makes the group. Needs CAP_SYS_ADMIN.
  ///
  /// The corresponding C call is `fanotify_init(2)`.
  init() throws(SystemError) {
    let fd = try retryingOnInterrupt("fanotify_init") { ipcshim_fanotify_init() }
    descriptor = FileDescriptor(raw: fd)
  }

  /// Marks the directory open as `directory` (its inode: the mark needs no path, and follows
  /// the directory whatever is mounted where later).
  ///
  /// The corresponding C call is `fanotify_mark(2)`.
  func mark(directory: CInt, _ subject: String) throws(SystemError) {
    try retryingOnInterrupt("fanotify_mark", subject) {
      ipcshim_fanotify_mark_directory(descriptor.raw, directory)
    }
  }

  /// The events waiting now (none when there are none), and whether the kernel said it lost
  /// some (its bounded queue overflowed).
  func read(_ buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> (events: [Event], overflow: Bool) {
    var events: [Event] = []
    var overflow = false
    while true {
      let count = try PollCall.readAvailable(descriptor.raw, into: buffer)
      if count == 0 { return (events, overflow) }
      let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<count]).bindMemory(to: UInt8.self)
      var offset = 0
      var event = ipcshim_fanotify_event()
      while offset < count {
        let next = ipcshim_fanotify_event_at(bytes.baseAddress!, count, offset, &event)
        guard next > offset else { break }
        offset = next
        if event.mask & UInt64(IPCSHIM_FAN_OVERFLOW) != 0 { overflow = true }
        guard event.name_length > 0 else { continue }
        let name = Array(bytes[Int(event.name_at)..<Int(event.name_at + event.name_length)])
        if event.mask & UInt64(IPCSHIM_FAN_CREATE | IPCSHIM_FAN_MOVED_TO) != 0 {
          events.append(Event(change: .created, thread: event.pid, name: name))
        }
        if event.mask & UInt64(IPCSHIM_FAN_DELETE | IPCSHIM_FAN_MOVED_FROM) != 0 {
          events.append(Event(change: .removed, thread: event.pid, name: name))
        }
      }
    }
  }
}
