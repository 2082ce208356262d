/// The series `ipctool metrics` exposes, named as Prometheus asks (`ipctool_` prefix, base
/// units, `_bytes` and `_seconds` suffixes). Every one is a gauge: each scrape reads the state
/// anew. The raw value is the exposed name; the CLI words each one's HELP.
public enum Metric: String, CaseIterable, Sendable {
  // Per kind and owner (and namespace, with every namespace read).
  case objects = "ipctool_objects"
  case sharedMemoryBytes = "ipctool_shared_memory_bytes"
  case queuedMessages = "ipctool_queued_messages"
  case queuedBytes = "ipctool_queued_bytes"
  case attachedProcesses = "ipctool_attached_processes"
  case unusedObjects = "ipctool_unused_objects"
  case objectsUsersUnknown = "ipctool_objects_users_unknown"
  case oldestUnusedAge = "ipctool_oldest_unused_object_age_seconds"
  // Per limit.
  case kernelLimit = "ipctool_kernel_limit"
  case kernelLimitUsed = "ipctool_kernel_limit_used"
  // Per /dev/shm.
  case shmSize = "ipctool_dev_shm_size_bytes"
  case shmUsed = "ipctool_dev_shm_used_bytes"
  // Per namespace, with every namespace read.
  case namespaceRead = "ipctool_namespace_read"
  // With every namespace read: processes whose namespace could not be read.
  case namespaceUnreadableProcesses = "ipctool_namespace_unreadable_processes"
  // Per object, with --per-object only.
  case objectBytes = "ipctool_object_bytes"
  case objectUsers = "ipctool_object_users"
  case objectIdle = "ipctool_object_idle_seconds"
  // The scrape itself.
  case scrapeErrors = "ipctool_scrape_errors"
  case scrapeDuration = "ipctool_scrape_duration_seconds"
}

/// One metric's samples, in the order they are exposed.
public struct MetricFamily: Sendable, Equatable {
  public var metric: Metric
  public var samples: [MetricSample]

  public init(_ metric: Metric, _ samples: [MetricSample]) {
    self.metric = metric
    self.samples = samples
  }
}

/// One series' value, with its labels.
public struct MetricSample: Sendable, Equatable {
  /// Label names and values, in exposition order. A value is bytes (an object's name is
  /// whatever the file system holds): the renderer escapes it.
  public var labels: [(name: String, value: [UInt8])]
  public var value: MetricValue

  public init(_ labels: [(name: String, value: [UInt8])], _ value: MetricValue) {
    self.labels = labels
    self.value = value
  }

  public static func == (left: MetricSample, right: MetricSample) -> Bool {
    left.value == right.value && left.labels.map(\.name) == right.labels.map(\.name)
      && left.labels.map(\.value) == right.labels.map(\.value)
  }

  /// The value of the label `name`, if it has one.
  public func label(_ name: String) -> [UInt8]? {
    labels.first { $0.name == name }?.value
  }
}

/// A sample's value: a count (exact, however large), a measure, or no limit at all.
public enum MetricValue: Sendable, Equatable {
  case count(UInt64)
  case measure(Double)
  /// A limit the kernel does not enforce (values near 2^64): +Inf.
  case unlimited
}
