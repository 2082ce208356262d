/// The metric families made of each namespace's share of a scrape: the same series for each,
/// told apart by `namespace` and `container` labels when every namespace was read.
struct MetricsFamilies {
  var parts: [MetricsScrape.Part]
  var perObject: Bool
  var allNamespaces: Bool
  /// Namespaces that could not be joined: their object series are absent (unknown), and
  /// `ipctool_namespace_read` is 0 for them.
  var unjoined: Set<UInt64>
  let users = UserNames()

  typealias Labels = [(name: String, value: [UInt8])]

  var families: [MetricFamily] {
    var byMetric: [Metric: [MetricSample]] = [:]
    for part in parts {
      let place = namespaceLabels(part.tag)
      for (key, totals) in part.tally.totals.sorted(by: { $0.key < $1.key }) {
        let labels = place + [
          ("kind", Array(key.kind.rawValue.utf8)), ("owner", Array(users.name(of: key.uid).utf8)),
        ]
        func add(_ metric: Metric, _ value: MetricValue) {
          byMetric[metric, default: []].append(MetricSample(labels, value))
        }
        add(.objects, .count(totals.objects))
        switch key.kind.mechanism {
        case .sharedMemory: add(.sharedMemoryBytes, .count(totals.bytes))
        case .messageQueue:
          add(.queuedMessages, .count(totals.messages))
          add(.queuedBytes, .count(totals.queuedBytes))
        case .semaphore: break
        }
        // System V queues and sets record no users: their series would say "none" falsely.
        if key.kind.hasKnowableUsers {
          add(.attachedProcesses, .count(totals.attached))
          add(.unusedObjects, .count(totals.unused))
          add(.objectsUsersUnknown, .count(totals.usersUnknown))
          if let oldest = totals.oldestUnusedActivity {
            add(.oldestUnusedAge, .count(UInt64(max(0, part.now - oldest))))
          }
        }
      }
      for limit in part.limits {
        // A cap on each object (msgmnb, shmmax, ...) is at 100 % whenever one object is as
        // large as allowed, with nothing short: alert rules tell the two apart by this label.
        let labels = place + [
          ("limit", Array(limit.name.utf8)), ("per_object", Array(String(limit.perObject).utf8)),
        ]
        if let value = limit.value {
          byMetric[.kernelLimit, default: []].append(
            MetricSample(labels, KernelLimit.isUnlimited(value) ? .unlimited : .count(value)))
        }
        if let used = limit.used {
          byMetric[.kernelLimitUsed, default: []].append(MetricSample(labels, .count(used)))
        }
      }
      if let space = part.shmSpace {
        byMetric[.shmSize, default: []].append(MetricSample(place, .count(space.size)))
        byMetric[.shmUsed, default: []].append(MetricSample(place, .count(space.used)))
      }
      if allNamespaces, let tag = part.tag {
        let read: UInt64 = unjoined.contains(tag.inode) ? 0 : 1
        byMetric[.namespaceRead, default: []].append(MetricSample(place, .count(read)))
      }
      if perObject { objectSamples(part, place, into: &byMetric) }
    }
    return Metric.allCases.compactMap { metric in
      byMetric[metric].map { MetricFamily(metric, $0) }
    }
  }

  /// One sample per object and metric: unbounded, so only when asked for.
  private func objectSamples(
    _ part: MetricsScrape.Part, _ place: Labels, into byMetric: inout [Metric: [MetricSample]]
  ) {
    let objects = part.tally.objects.sorted {
      $0.reference.lexicographicallyPrecedes($1.reference)
    }
    for object in objects {
      let labels = place + [
        ("kind", Array(object.kind.rawValue.utf8)), ("object", object.reference),
        ("owner", Array(users.name(of: object.uid).utf8)),
      ]
      if let bytes = object.bytes {
        byMetric[.objectBytes, default: []].append(MetricSample(labels, .count(bytes)))
      }
      if let users = object.users {
        byMetric[.objectUsers, default: []].append(MetricSample(labels, .count(users)))
      }
      if let activity = object.lastActivity {
        let idle = UInt64(max(0, part.now - activity))
        byMetric[.objectIdle, default: []].append(MetricSample(labels, .count(idle)))
      }
    }
  }

  private func namespaceLabels(_ tag: NamespaceTag?) -> Labels {
    guard allNamespaces, let tag else { return [] }
    return [
      ("namespace", Array(String(tag.inode).utf8)),
      ("container", Array((tag.container ?? "").utf8)),
    ]
  }
}
