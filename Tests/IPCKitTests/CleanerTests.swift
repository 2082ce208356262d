import CIPCShims
import Foundation
import TestSupport
import Testing

@testable import IPCKit

@Suite(.enabled(if: getuid() == 0, "needs root for a private IPC namespace"))
struct CleanerTests {
  @Test func aRecycledSysVIdIsNeverRemoved() throws {
    let kept = try onThread(in: .fresh) { () throws -> Bool in
      let inventory = Inventory(context: IPCContext(paths: IPCPaths(shm: "/nonexistent", mqueue: "/nonexistent")))
      let id = msgget(IPC_PRIVATE, IPC_CREAT | 0o600)
      defer { msgctl(id, IPC_RMID, nil) }
      var listed = try #require(inventory.list([.sysvQueue]).objects.first)
      listed.changed = (listed.changed ?? 0) - 100  // as if the id named an older queue
      let outcome = Cleaner(inventory: inventory).clean([listed], users: nil, dryRun: false, force: true)
      #expect(outcome.first?.action == .gone)
      #expect(outcome.first?.reason == .idReused(id))
      var info = msqid_ds()
      return msgctl(id, IPC_STAT, &info) == 0
    }
    #expect(kept)
  }

  @Test func objectsThatVanishCountAsGone() throws {
    let outcomes = try onThread(in: .fresh) { () throws -> [Cleaner.Action] in
      let shm = try TemporaryDirectory()
      try shm.write("seg", "x")
      let inventory = Inventory(context: IPCContext(paths: IPCPaths(shm: shm.path, mqueue: "/nonexistent")))
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
    let (actions, replacementKept) = try onThread(in: .fresh) { () throws -> ([Cleaner.Action], Bool) in
      let inventory = Inventory(context: IPCContext(paths: IPCPaths(shm: "/nonexistent", mqueue: "/nonexistent")))
      let cleaner = Cleaner(inventory: inventory)
      _ = msgget(IPC_PRIVATE, IPC_CREAT | 0o600)
      var replacement: Int32 = -1
      let actions = try #require(
        inventory.mapSysVSlots(.sysvQueue) { object -> Cleaner.Action in
          msgctl(object.id!, IPC_RMID, nil)  // gone, and replaced by a new queue
          replacement = msgget(IPC_PRIVATE, IPC_CREAT | 0o600)
          #expect(replacement != object.id)
          let outcome = cleaner.plan(object, users: nil, force: true)
          return cleaner.carriedOut(outcome, readJustNow: true).action
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
    let agree = try onThread(in: .fresh) { () throws -> Bool in
      let inventory = Inventory(context: IPCContext(paths: IPCPaths(shm: "/nonexistent", mqueue: "/nonexistent")))
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
}
