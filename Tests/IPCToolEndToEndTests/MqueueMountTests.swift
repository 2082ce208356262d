import Foundation
import TestSupport
import Testing

/// POSIX queues can only be listed through the mqueue filesystem, which is often not mounted.
@Suite(.enabled(if: Sandbox.isRoot, "needs root for a private IPC + mount namespace"))
struct MqueueMountTests {
  @Test func rootListsQueuesWithoutAMountThroughAPrivateOne() throws {
    let box = try Sandbox(mountMqueue: false)
    let queue = box.name("q")
    #expect(try box.run(["create", "posix-mq", queue]).status == 0)
    let run = try box.run(["list", "--kind", "posix-mq", "--json"])
    #expect(run.stderr == "")
    #expect(try run.objects().map { $0["ref"] as? String } == ["posix-mq:\(queue)"])
    // The private mount is gone with the command: nothing new in the mount table.
    let mounts = try box.runInside(["/bin/cat", "/proc/self/mounts"])
    #expect(!mounts.stdout.contains("mqueue"))
  }

  @Test func listingAQueueLeavesItsChangeTimeAlone() throws {
    let box = try Sandbox()
    let queue = box.name("q")
    #expect(try box.run(["create", "posix-mq", queue]).status == 0)
    // Times are in seconds: list once the second of the creation is over, so that a ctime moved
    // by the first listing would show in the second.
    let created = time(nil)
    waitUntil { time(nil) > created }
    let first = try box.run(["list", "--kind", "posix-mq", "--json"]).objects()
    let second = try box.run(["list", "--kind", "posix-mq", "--json"]).objects()
    let changed = try #require(first.first?["changed"] as? Int)
    #expect(second.first?["changed"] as? Int == changed)
  }

  @Test(.otherUsersCanRunTheTool) func othersAreToldOnceHowToMountIt() throws {
    let box = try Sandbox(mountMqueue: false)
    let run = try box.run(["list"], as: 65534)
    #expect(run.status == 0)
    #expect(run.stderr == """
      ipctool: posix-mq: the mqueue filesystem is not mounted, so POSIX message queues cannot \
      be listed; mount it with: mount -t mqueue none /dev/mqueue

      """)
    // Inspecting by name still works: mq_open needs no mount.
    let queue = box.name("q")
    #expect(try box.run(["create", "posix-mq", queue, "--mode", "0644"]).status == 0)
    let inspected = try box.run(["inspect", queue, "--json"], as: 65534).objects()
    #expect(inspected.first?["max_messages"] as? Int == 10)
  }
}
