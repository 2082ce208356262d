import Glibc

/// One pass over /proc: which memfd files, shared anonymous regions, unlinked tmpfs files and
/// System V segments each process holds, through its maps and its descriptors.
///
/// Every process directory is opened once (O_NOFOLLOW | O_DIRECTORY) and everything else is
/// read relative to it, so a pid reused meanwhile answers nothing rather than another's
/// entries. maps is read whole (a mapping past a cut would be a holder missed); descriptors
/// are read as links, never followed by path, and the files they or map_files name are asked
/// with statx from the inode's cached facts (a FUSE file's server is never asked). A file
/// found again in another process is not asked again: each is counted once.
struct ProcessMemoryWalk {
  var proc: String
  /// The kernel's internal shm mount: memfd, shared anonymous and System V pages live there.
  var shmDevice: UInt64?
  var tmpfsDevices: Set<UInt64>
  /// The caller's IPC namespace: System V ids restart in every one, so a segment is known by
  /// its namespace and id.
  var ipcNamespace: UInt64?
  /// Read each process's /proc/PID/cgroup too (for `--by container`).
  var cgroups = false

  struct Found {
    var files: [FileIdentity: SharedFile] = [:]
    /// Attachers by the segment's IPC namespace (nil: unknown, counted as the caller's) and id.
    var segments: [SegmentKey: Set<ProcessRef>] = [:]
    /// Mappings of each segment: a process that attached it twice maps it twice, as the
    /// kernel's attachment count counts it.
    var segmentMappings: [SegmentKey: UInt64] = [:]
    /// Processes whose maps or descriptors could not be read: what they hold is unknown.
    var unreadable: [ProcessRef] = []
    var processes: [ProcessRef] = []
    var cgroupText: [pid_t: String] = [:]

    mutating func merge(_ other: Found) {
      for (identity, file) in other.files {
        if var known = files[identity] {
          known.holders += file.holders
          known.allocated = known.allocated ?? file.allocated
          known.size = max(known.size ?? 0, file.size ?? 0)
          files[identity] = known
        } else {
          files[identity] = file
        }
      }
      segments.merge(other.segments) { $0.union($1) }
      segmentMappings.merge(other.segmentMappings, uniquingKeysWith: +)
      unreadable += other.unreadable
      processes += other.processes
      cgroupText.merge(other.cgroupText) { first, _ in first }
    }
  }

  /// Walks every process but this one, on up to two threads, merged in pid order.
  func walk() -> Found {
    let me = getpid()
    let pids = Processes.pids(proc: proc).filter { $0 != me }
    let parts = inParallel(
      chunks: chunked(pids.count, size: 128),
      threads: usefulThreads(for: pids.count, perThread: 200, limit: 2)
    ) { range -> Found in
      var part = Found()
      for pid in pids[range] { visit(pid, into: &part) }
      return part
    }
    var found = Found()
    for part in parts { found.merge(part) }
    for identity in found.files.keys {
      found.files[identity]?.holders.sort { $0.pid < $1.pid }
    }
    return found
  }

  private func visit(_ pid: pid_t, into found: inout Found) {
    // A process whose main thread has ended shows no maps there while its other threads run on
    // with them: read it through one of those. A zombie holds nothing.
    guard let live = UsageScanner.liveTaskDirectory(pid, proc: proc),
      let directory = try? FileDescriptor.open(live, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
    else { return }  // gone
    // One whose command line is hidden is still a process, and may hold anything.
    let process =
      ProcessRef.reading(pid, proc: proc) ?? ProcessRef(pid: pid, commandBytes: Array("?".utf8))
    if cgroups,
      let file = try? FileDescriptor.open(
        "cgroup", O_RDONLY | O_NOFOLLOW, relativeTo: directory.raw),
      let bytes = try? file.read(upTo: 1 << 16)
    {
      found.cgroupText[pid] = String(decoding: bytes, as: UTF8.self)
    }
    var mine = Found()
    var hidden = false
    guard let namespace = ipcNamespace(of: directory.raw) else { return }  // ended
    do {
      let maps = try FileDescriptor.open("maps", O_RDONLY | O_NOFOLLOW, relativeTo: directory.raw)
        .read(upTo: .max)
      readMaps(maps, process, directory.raw, namespace: namespace, seen: found.files, into: &mine)
    } catch {
      // Refused: unknown. Anything else (ESRCH, ENOENT): it ended meanwhile, holding nothing.
      guard error.code.isPermissionDenied else { return }
      hidden = true
    }
    do {
      let descriptors = try FileDescriptor.open(
        "fd", O_RDONLY | O_DIRECTORY | O_NOFOLLOW, relativeTo: directory.raw)
      for entry in try descriptors.directoryEntries() {
        readDescriptor(
          String(decoding: entry.name, as: UTF8.self), process, descriptors.raw, into: &mine)
      }
    } catch {
      guard error.code.isPermissionDenied else { return }
      hidden = true
    }
    found.processes.append(process)
    if hidden { found.unreadable.append(process) }
    found.merge(mine)
  }

  /// `seen`: the files other processes were found holding, not asked again; `namespace`: the
  /// process's IPC namespace, where its segments are.
  private func readMaps(
    _ bytes: [UInt8], _ process: ProcessRef, _ directory: CInt, namespace: UInt64?,
    seen: [FileIdentity: SharedFile], into found: inout Found
  ) {
    var lineStart = 0
    for index in bytes.indices where bytes[index] == 0x0A {
      defer { lineStart = index + 1 }
      guard let entry = MapsEntry(bytes[lineStart..<index]),
        let kind = entry.kind(shmDevice: shmDevice, tmpfsDevices: tmpfsDevices)
      else { continue }
      switch kind {
      case .segment(let id):
        let key = SegmentKey(namespace: namespace, id: id)
        found.segments[key, default: []].insert(process)
        found.segmentMappings[key, default: 0] += 1
      case .file(let fileKind):
        if var known = found.files[entry.identity] {
          if known.holders.last != process { known.holders.append(process) }
          if known.allocated == nil { known.size = max(known.size ?? 0, entry.length) }
          found.files[entry.identity] = known
          continue
        }
        if var earlier = seen[entry.identity], earlier.allocated != nil {
          earlier.holders = [process]
          found.files[entry.identity] = earlier
          continue
        }
        let facts = try? FileFacts.at(directory, "map_files/" + entry.mapFilesName).get()
        // A live file may be called "x (deleted)": only one without names is unlinked.
        if fileKind == .unlinked, facts?.links != 0 { continue }
        // Another file mapped there since maps was read: not this one.
        guard facts == nil || facts?.identity == entry.identity else { continue }
        found.files[entry.identity] = SharedFile(
          kind: fileKind, identity: entry.identity, pathBytes: Array(entry.path),
          allocated: facts?.allocated, size: facts?.size ?? entry.length, holders: [process])
      }
    }
  }

  /// A descriptor of a memfd or of an unlinked tmpfs file: its link names it
  /// ("/memfd:x (deleted)", "/dev/shm/y (deleted)"), statx tells the rest.
  private func readDescriptor(
    _ name: String, _ process: ProcessRef, _ descriptors: CInt, into found: inout Found
  ) {
    guard case .success(let target) = readLink(descriptors, name) else { return }
    let isMemfd = target.starts(with: MapsEntry.memfdPrefix)
    let isDeleted =
      target.count > MapsEntry.deleted.count
      && target.suffix(MapsEntry.deleted.count).elementsEqual(MapsEntry.deleted)
    guard isMemfd || isDeleted, case .success(let facts) = FileFacts.at(descriptors, name) else {
      return
    }
    let kind: SharedFile.Kind
    if isMemfd && facts.identity.device == shmDevice {
      kind = .memfd
    } else if tmpfsDevices.contains(facts.identity.device) && facts.links == 0 {
      kind = .unlinked
    } else {
      return
    }
    if var known = found.files[facts.identity] {
      if known.holders.last != process { known.holders.append(process) }
      known.allocated = facts.allocated
      known.size = facts.size
      found.files[facts.identity] = known
    } else {
      found.files[facts.identity] = SharedFile(
        kind: kind, identity: facts.identity, pathBytes: target, allocated: facts.allocated,
        size: facts.size, holders: [process])
    }
  }

  /// The process's IPC namespace; one that cannot be told is taken for the caller's (a
  /// segment is attached in the namespace of the thread that attached it, which is the main
  /// thread's but in rare programs).
  ///
  /// Asked before its maps are read: once a process has ended, its namespace links are gone,
  /// and an ended process's segments must not be taken for the caller's (ids restart in every
  /// namespace: its shmid 0 is not ours). Nil when it ended.
  private func ipcNamespace(of directory: CInt) -> UInt64?? {
    switch FileFacts.at(directory, "ns/ipc") {
    case .success(let theirs): return .some(theirs.identity.inode)
    case .failure(let code) where code.isPermissionDenied: return .some(ipcNamespace)
    case .failure: return nil
    }
  }
}

/// A System V segment across namespaces: its IPC namespace's inode and its id there.
struct SegmentKey: Hashable {
  var namespace: UInt64?
  var id: Int32
}
