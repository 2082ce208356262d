import CIPCShims
import Foundation
import Testing

@testable import IPCKit

/// Runs `body` on a new thread with an IPC namespace of its own, so System V objects made there
/// cannot touch the machine's.
func inPrivateIPCNamespace<T>(_ body: @escaping () throws -> T) throws -> T {
  let box = ThreadResult<T>(body)
  let done = DispatchSemaphore(value: 0)
  let thread = Thread {
    if ipcshim_unshare_ipc_namespace() == 0 {
      box.result = Result { try box.body() }
    }
    done.signal()
  }
  thread.start()
  done.wait()
  guard let result = box.result else { throw SystemError(call: "unshare", code: EPERM) }
  return try result.get()
}

final class ThreadResult<T>: @unchecked Sendable {
  let body: () throws -> T
  var result: Result<T, Error>?
  init(_ body: @escaping () throws -> T) { self.body = body }
}

@Suite(.enabled(if: getuid() == 0, "needs root for a private IPC namespace"))
struct CleanerTests {
  @Test func aRecycledSysVIdIsNeverRemoved() throws {
    let kept = try inPrivateIPCNamespace { () throws -> Bool in
      let inventory = Inventory(paths: IPCPaths(shm: "/nonexistent", mqueue: "/nonexistent"))
      let id = msgget(IPC_PRIVATE, IPC_CREAT | 0o600)
      defer { msgctl(id, IPC_RMID, nil) }
      var listed = try #require(inventory.list([.sysvQueue]).objects.first)
      listed.changed = (listed.changed ?? 0) - 100  // as if the id named an older queue
      let outcome = Cleaner(inventory: inventory).clean([listed], users: nil, dryRun: false, force: true)
      #expect(outcome.first?.action == .gone)
      #expect(outcome.first?.reason == "id \(id) now names another object")
      var info = msqid_ds()
      return msgctl(id, IPC_STAT, &info) == 0
    }
    #expect(kept)
  }

  @Test func objectsThatVanishCountAsGone() throws {
    let outcomes = try inPrivateIPCNamespace { () throws -> [Cleaner.Action] in
      let shm = try TemporaryDirectory()
      try shm.write("seg", "x")
      let inventory = Inventory(paths: IPCPaths(shm: shm.path, mqueue: "/nonexistent"))
      _ = semget(IPC_PRIVATE, 1, IPC_CREAT | 0o600)
      let objects = inventory.list([.posixSharedMemory, .sysvSemaphore]).objects
      try #require(objects.count == 2)
      unlink(shm.path + "/seg")
      _ = ipcshim_semctl_command(objects[1].id!, 0, IPC_RMID)
      return Cleaner(inventory: inventory).clean(objects, users: nil, dryRun: false, force: true)
        .map(\.action)
    }
    #expect(outcomes == [.gone, .gone])
  }

  /// A slot read is followed at once by IPC_RMID of the id it gave. Should the object be
  /// replaced in between, the new one has another id (another slot, or the same slot with a
  /// new sequence number), and is left alone.
  @Test func aSlotReadNeverRemovesTheObjectThatReplacedIt() throws {
    let (actions, replacementKept) = try inPrivateIPCNamespace { () throws -> ([Cleaner.Action], Bool) in
      let inventory = Inventory(paths: IPCPaths(shm: "/nonexistent", mqueue: "/nonexistent"))
      let cleaner = Cleaner(inventory: inventory)
      _ = msgget(IPC_PRIVATE, IPC_CREAT | 0o600)
      var replacement: Int32 = -1
      let actions = try #require(
        inventory.mapSysVSlots(.sysvQueue) { object -> Cleaner.Action in
          msgctl(object.id!, IPC_RMID, nil)  // gone, and replaced by a new queue
          replacement = msgget(IPC_PRIVATE, IPC_CREAT | 0o600)
          #expect(replacement != object.id)
          var outcome = cleaner.plan(object, users: nil, force: true)
          cleaner.carryOut(&outcome, readJustNow: true)
          return outcome.action
        })
      defer { msgctl(replacement, IPC_RMID, nil) }
      var info = msqid_ds()
      return (actions, msgctl(replacement, IPC_STAT, &info) == 0)
    }
    #expect(actions == [.gone])
    #expect(replacementKept)
  }

  /// clean reads System V objects slot by slot: it must see what /proc/sysvipc lists, with the
  /// same ids, keys and owners, in id order, including ids past a freed slot.
  @Test func slotReadsAgreeWithTheProcListing() throws {
    let agree = try inPrivateIPCNamespace { () throws -> Bool in
      let inventory = Inventory(paths: IPCPaths(shm: "/nonexistent", mqueue: "/nonexistent"))
      var queues = (Int32(1)...5).map { msgget($0, IPC_CREAT | 0o640) }
      let segment = shmget(7, 4096, IPC_CREAT | 0o600)
      let set = semget(8, 3, IPC_CREAT | 0o600)
      msgctl(queues.remove(at: 1), IPC_RMID, nil)  // an empty slot among full ones
      queues.append(msgget(9, IPC_CREAT | 0o600))  // takes it, with a larger id
      defer {
        for queue in queues { msgctl(queue, IPC_RMID, nil) }
        shmctl(segment, IPC_RMID, nil)
        _ = ipcshim_semctl_command(set, 0, IPC_RMID)
      }
      func summary(_ object: IPCObjectInfo) -> String {
        "\(object.kind) \(object.id!) \(object.key!) \(object.uid) \(object.permissions.octal) \(object.changed!)"
      }
      for kind in [IPCKind.sysvQueue, .sysvSharedMemory, .sysvSemaphore] {
        let slots = try #require(inventory.mapSysVSlots(kind) { summary($0) })
        let listed = inventory.list([kind]).objects.map(summary)
        guard slots == listed, !slots.isEmpty else { return false }
      }
      return true
    }
    #expect(agree)
  }

  @Test func ownersCreatorsAndRootMayRemove() {
    var object = IPCObjectInfo(kind: .sysvQueue, uid: 1000, gid: 1000, permissions: .init(rawValue: 0o600))
    object.creatorUID = 1001
    let cleaner = Cleaner(inventory: Inventory())
    #expect(cleaner.mayRemove(object, euid: 0))
    #expect(cleaner.mayRemove(object, euid: 1000))
    #expect(cleaner.mayRemove(object, euid: 1001))
    #expect(!cleaner.mayRemove(object, euid: 1002))
    object.kind = .posixSharedMemory
    #expect(!cleaner.mayRemove(object, euid: 1001))  // sticky /dev/shm: owners only
  }

  @Test func agesParse() {
    #expect(AgeText.seconds("30s") == 30)
    #expect(AgeText.seconds("10m") == 600)
    #expect(AgeText.seconds("2h") == 7200)
    #expect(AgeText.seconds("7d") == 604_800)
    #expect(AgeText.seconds("7") == nil)
    #expect(AgeText.seconds("-1d") == nil)
    #expect(AgeText.seconds("d") == nil)
    #expect(AgeText.seconds("99999999999999999d") == nil)
  }
}
