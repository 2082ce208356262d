import IPCKit

/// The HELP line of each metric `ipctool metrics` exposes.
enum MetricsWording {
  static func help(_ metric: Metric) -> String {
    switch metric {
    case .objects: "IPC objects, by kind and owner."
    case .sharedMemoryBytes: "Bytes of shared memory segments (their size), by kind and owner."
    case .queuedMessages: "Messages waiting in message queues, by kind and owner."
    case .queuedBytes: "Bytes of the messages waiting in message queues, by kind and owner."
    case .attachedProcesses:
      "Processes using the objects (attached, mapping or holding them open), summed over objects;"
        + " not for System V queues and semaphore sets, whose users the kernel does not record."
    case .unusedObjects:
      "Objects no process uses (none attached, mapping or holding them open), by kind and owner."
    case .objectsUsersUnknown:
      "Objects whose users could not be read (a process that may use them was unreadable):"
        + " neither in ipctool_unused_objects nor counted in ipctool_attached_processes."
    case .oldestUnusedAge:
      "Seconds since the last activity of the oldest object no process uses, by kind and owner."
    case .kernelLimit:
      "Each kernel limit on IPC, as ipctool limits shows it; +Inf for none. per_object=\"true\":"
        + " a cap on each object, not a pool that runs out."
    case .kernelLimitUsed:
      "How much of each kernel limit is used (for a cap on each object, the largest object's)."
    case .shmSize: "Size of the /dev/shm file system, in bytes."
    case .shmUsed: "Bytes used in the /dev/shm file system."
    case .namespaceRead: "1 if the IPC namespace's objects were read, 0 if it could not be joined."
    case .namespaceUnreadableProcesses:
      "Processes whose IPC namespace could not be read (it needs ptrace access to them):"
        + " namespaces only they are in are missing, not absent."
    case .objectBytes: "One object's bytes: a segment's size, or a queue's queued bytes."
    case .objectUsers: "Processes using one object."
    case .objectIdle: "Seconds since one object's last activity."
    case .scrapeErrors:
      "Kinds of object or namespaces this scrape could not read (stderr says which and why)."
    case .scrapeDuration: "Seconds this scrape took to read the objects."
    }
  }
}
