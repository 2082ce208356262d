import Synchronization

/// The /proc users scan, made the first time any thread needs it and then shared.
///
/// A clean of System V objects alone often needs none: the kernel counts attachments itself,
/// and the scan would only name who is attached.
public final class UsageOnDemand: Sendable {
  private let scanner: UsageScanner
  /// A scan of every process already made (one reading of every namespace shares it), which
  /// the report is cut from instead of a scan of its own.
  private let host: UsageScanner.HostScan?
  private let made = Mutex<UsageScanner.Report?>(nil)
  private let ownersMade = Mutex<UsageScanner.Report?>(nil)
  private let scanCount = Atomic<Int>(0)

  public init(_ scanner: UsageScanner, from host: UsageScanner.HostScan? = nil) {
    self.scanner = scanner
    self.host = host
  }

  public var report: UsageScanner.Report {
    made.withLock { made in
      if let report = made { return report }
      let report = host.map { scanner.report(from: $0) } ?? scanner.scan()
      made = report
      scanCount.add(1, ordering: .sequentiallyConsistent)
      return report
    }
  }

  /// How many scans are made so far: read before and after a step, it tells whether the step
  /// may have waited for one (a clean then re-reads the record it planned from).
  public var scansMade: Int { scanCount.load(ordering: .sequentiallyConsistent) }

  /// Live processes by owner without users: the full report if made, else a scan that reads
  /// no maps and no descriptors.
  public var owners: UsageScanner.Report {
    if let report = made.withLock({ $0 }) { return report }
    return ownersMade.withLock { owners in
      if let report = owners { return report }
      let report = scanner.scan(ownersOnly: true)
      owners = report
      scanCount.add(1, ordering: .sequentiallyConsistent)
      return report
    }
  }

  /// Whether deciding about `object` needs the scan: POSIX objects have no other record of
  /// their users; for System V segments only attached ones have users to name.
  public static func isNeeded(for object: IPCObjectInfo) -> Bool {
    object.kind.isNamed || (object.details.sysvSegment?.attached ?? 0) > 0
  }

  /// What `--unused` selects, for clean and list alike: nobody maps it or holds it open, and
  /// for System V segments none attached. (Queues and sets have no users the kernel records;
  /// their evidence of use is weighed when clean plans, not here.)
  public func isUnused(_ object: IPCObjectInfo) -> Bool {
    guard Self.isNeeded(for: object) else { return true }
    return report.users(of: object)?.isEmpty == true
      && (object.details.sysvSegment?.attached ?? 0) == 0
  }

  /// Whether a POSIX segment is mapped (or held open) now: then its age is unknown, and an
  /// age selects it not. (A System V segment's attachments are in its record: see
  /// `knownLastActivity`.)
  public func isMapped(_ object: IPCObjectInfo) -> Bool {
    object.kind == .posixSharedMemory && report.users(of: object)?.isEmpty == false
  }
}
