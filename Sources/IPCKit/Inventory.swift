import Glibc

/// Gathers, finds and removes IPC objects of every kind. It returns values and never prints.
public struct Inventory: Sendable {
  public let context: IPCContext
  public var paths: IPCPaths { context.paths }

  public init(context: IPCContext) {
    self.context = context
  }

  /// What a listing found, and what it could not look at.
  public struct Listing: Sendable {
    public var objects: [IPCObjectInfo]
    /// Kinds that could not be read, e.g. queues without the mqueue filesystem.
    public var gaps: [ListingGap]
  }

  /// Every object of the given kinds, sorted by kind, then name or id.
  ///
  /// Objects that vanish while being read are left out; nothing here fails the listing.
  /// `withValues: false` skips what costs a call per object and `clean` does not need:
  /// semaphore values and System V queue byte limits.
  public func list(_ kinds: Set<IPCKind>, withValues: Bool = true) -> Listing {
    let (parts, gaps) = list(kinds, withValues: withValues) { $0 }
    return Listing(objects: Array(parts.joined()), gaps: gaps)
  }

  /// The same listing, handed over in sorted runs of objects as they are read, each run
  /// turned into a `Part` by `part` on the thread that read it (possibly several at once);
  /// the parts come back in listing order. A listing of tens of thousands of objects is then
  /// rendered while it is read, and its large records are never copied into one array.
  public func list<Part>(
    _ kinds: Set<IPCKind>, withValues: Bool = true, namePrefix: [UInt8]? = nil,
    _ part: @escaping ([IPCObjectInfo]) -> Part
  ) -> (parts: [Part], gaps: [ListingGap]) {
    // System V (from /proc) and queues on this thread while /dev/shm, the bulk, is stat'ed on
    // others: a listing is mostly waiting on system calls.
    let needsShm = !kinds.isDisjoint(with: IPCKind.shmFileKinds)
    let gathered = inParallel(needsShm ? 2 : 1) {
      thread -> (byKind: [IPCKind: [Part]], gaps: [ListingGap]) in
      var byKind: [IPCKind: [Part]] = [:]
      var gaps: [ListingGap] = []
      if thread == 1 {
        let directory: ShmDirectory
        let handle: ShmHandle
        switch paths.openShm() {
        case .success(let opened): handle = opened
        case .failure(let gap): return (byKind, [gap])
        }
        do throws(SystemError) {
          directory = try ShmDirectory(handle: handle, namePrefix: namePrefix)
        } catch {
          return (byKind, [.shmDirectoryUnreadable(path: handle.path, code: error.code)])
        }
        let (segments, semaphores) = directory.mapChunks(kinds, withValues: withValues, part)
        return ([.posixSharedMemory: segments, .posixSemaphore: semaphores], gaps)
      }
      if kinds.contains(.posixQueue) {
        switch context.queues.withDirectory({ PosixMessageQueue.list(in: $0, namePrefix: namePrefix) }) {
        case .success(let queues): byKind[.posixQueue] = [part(queues)]
        case .failure(let gap): gaps.append(gap)
        }
      }
      for kind in kinds {
        guard let family = kind.sysvFamily else { continue }
        byKind[kind] = [part(family.list(paths: paths, withValues: withValues))]
      }
      return (byKind, gaps)
    }
    // Each kind's parts are already sorted: listing order is kind order, no sort needed.
    let byKind = gathered.reduce(into: [:]) { $0.merge($1.byKind) { first, _ in first } }
    let parts = IPCKind.allCases.sorted().filter(kinds.contains).flatMap { byKind[$0] ?? [] }
    return (parts, gathered.flatMap(\.gaps))
  }

  /// The POSIX segments and semaphores whose names start with `namePrefix`, by name alone:
  /// no file is stat'ed (completion, when there are more than it will describe). Empty when
  /// /dev/shm cannot be read.
  public func shmNames(_ kinds: Set<IPCKind>, namePrefix: [UInt8]?) -> [(kind: IPCKind, name: IPCName)] {
    guard let handle = try? paths.openShm().get() else { return [] }
    return (try? ShmDirectory(handle: handle, namePrefix: namePrefix))?.names(kinds) ?? []
  }

  /// Those segments and semaphores read now (their names from `shmNames`), in that order;
  /// any gone meanwhile are left out.
  public func shmObjects(_ named: [(kind: IPCKind, name: IPCName)]) -> [IPCObjectInfo] {
    guard let handle = try? paths.openShm().get() else { return [] }
    return named.compactMap { kind, name in
      guard case .posixFile(let family) = kind.facts.family else { return nil }
      return family.object(name, in: handle, withValue: false)
    }
  }

  /// The objects a reference names, with every detail the kernel gives.
  ///
  /// A bare "/name" finds every POSIX kind that has the name; `operation` words the errors.
  public func find(_ reference: IPCReference, for operation: String) throws(IPCError)
    -> [IPCObjectInfo]
  {
    func failure(_ error: SystemError) -> IPCError {
      if let refusal = error.refusal {
        return IPCError(
          operation: operation, subject: reference.description, reason: refusal, code: error.code)
      }
      return notFound(error.code)
        ? IPCError(operation: operation, subject: reference.description,
          reason: .noSuchObject, code: .noSuchFileOrDirectory)
        : IPCError(operation: operation, subject: reference.description, error)
    }
    do throws(SystemError) {
      switch reference {
      case .named(let name, let kind):
        let kinds = kind.map { [$0] } ?? IPCKind.allCases.filter(\.isNamed)
        var found: [IPCObjectInfo] = []
        for kind in kinds {
          if let info = try namedInfo(name, kind) { found.append(info) }
        }
        guard !found.isEmpty else { throw SystemError(call: "find", code: .noSuchFileOrDirectory) }
        return found
      case .sysvID(let kind, let id):
        return [try sysvStatus(kind, id)]
      case .sysvKey(let kind, let key):
        guard let id = sysvID(kind, key: key) else {
          throw SystemError(call: "find", code: .noSuchFileOrDirectory)
        }
        return [try sysvStatus(kind, id)]
      }
    } catch { throw failure(error) }
  }

  /// Runs `transform` on each System V object of `kind` as soon as the kernel has given its
  /// record, slot by slot, as `ipcrm --all` reads them; results in id order. Nil, with nothing
  /// transformed, where the kernel cannot (before Linux 4.17): then use `list`.
  public func mapSysVSlots<T>(_ kind: IPCKind, _ transform: (IPCObjectInfo) -> T?) -> [T]? {
    SysVSlots.map(kind, transform)
  }

  /// The id the key has now, from /proc/sysvipc.
  public func sysvID(_ kind: IPCKind, key: Int32) -> Int32? {
    list([kind]).objects.first { $0.key == key }?.id
  }

  /// The kernel's record of a System V id now, without the /proc detail: a cheap re-check.
  public func sysvRecord(_ kind: IPCKind, _ id: Int32) -> IPCObjectInfo? {
    try? kind.sysvFamily?.status(id)
  }

  private func sysvStatus(_ kind: IPCKind, _ id: Int32) throws(SystemError) -> IPCObjectInfo {
    guard let family = kind.sysvFamily else {
      throw SystemError(call: "find", code: .noSuchFileOrDirectory)
    }
    return try family.inspect(id, paths: paths)
  }

  /// One POSIX object by name, or nil if that kind has no such name.
  private func namedInfo(_ name: IPCName, _ kind: IPCKind) throws(SystemError) -> IPCObjectInfo? {
    do throws(SystemError) {
      return try kind.posixFamily?.find(name, in: self)
    } catch where notFound(error.code) {
      return nil
    }
  }

  /// Removes one object. SysV objects go by id; POSIX ones by name.
  public func remove(_ object: IPCObjectInfo) throws(IPCError) {
    // Made only for an error: a clean removes tens of thousands of objects.
    var subject: String { object.reference.description }
    do throws(SystemError) {
      if let family = object.kind.posixFamily, let name = object.name {
        try family.remove(name, in: self)
      } else if let family = object.kind.sysvFamily, let id = object.id {
        try family.remove(id)
      } else {
        // No name or id: nothing to name.
        throw SystemError(call: "unlink", code: .noSuchFileOrDirectory)
      }
    } catch {
      if let refusal = error.refusal {
        throw IPCError(operation: "unlink", subject: subject, reason: refusal, code: error.code)
      }
      guard !notFound(error.code) else {
        throw IPCError(operation: "unlink", subject: subject, reason: .noSuchObject, code: .noSuchFileOrDirectory)
      }
      throw IPCError(operation: "unlink", subject: subject, error)
    }
  }

  /// The verified /dev/shm; a refused one fails as EACCES would, its reason in the error.
  func shmHandle() throws(SystemError) -> ShmHandle {
    switch paths.openShm() {
    case .success(let handle): return handle
    case .failure(.shmDirectoryUnreadable(let path, let code)):
      throw SystemError(call: "open", subject: path, code: code)
    case .failure(.shmRefused(let path, let reason)):
      throw SystemError(
        call: "open", subject: path, code: .permissionDenied, refusal: .shmRefused(path: path, why: reason))
    case .failure: throw SystemError(call: "open", subject: paths.shm, code: .permissionDenied)
    }
  }

  /// Errors that mean the object is not (or no longer) there. For SysV ids EINVAL says that.
  private func notFound(_ code: Errno) -> Bool {
    code == .noSuchFileOrDirectory || code == .identifierRemoved || code == .invalidArgument
  }
}

/// Byte order of two strings (as `ls` sorts in the C locale), compared with memcmp.
func bytesPrecede(_ lhs: String, _ rhs: String) -> Bool {
  var left = lhs
  var right = rhs
  return left.withUTF8 { a in
    right.withUTF8 { b in
      let common = min(a.count, b.count)
      let order = common == 0 ? 0 : memcmp(a.baseAddress!, b.baseAddress!, common)
      return order != 0 ? order < 0 : a.count < b.count
    }
  }
}
