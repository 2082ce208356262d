/// Whether a System V id still names the object once read: ids are recycled as soon as an
/// object goes (and a namespace's root can steer the next one with kernel.*_next_id), so a
/// removal decided from an old record checks the kernel's record again right before IPC_RMID.
///
/// The same object keeps its key, its creation-or-last-change time, its owner and, for
/// segments and sets, its size or number of semaphores. An object made in the id's slot since
/// differs in one of them unless it was made in the same second with the same key, owner and
/// size: that, and the instant between this check and IPC_RMID, is the window that remains.
extension IPCObjectInfo {
  func isSameSysVObject(as other: IPCObjectInfo) -> Bool {
    guard kind == other.kind, key == other.key, changed == other.changed, uid == other.uid,
      creator == nil || other.creator == nil || creator == other.creator
    else { return false }
    switch (details, other.details) {
    case (.sysvSharedMemory(let mine), .sysvSharedMemory(let theirs)):
      return mine.size == nil || theirs.size == nil || mine.size == theirs.size
    case (.sysvSemaphore(let mine), .sysvSemaphore(let theirs)):
      return mine.count == nil || theirs.count == nil || mine.count == theirs.count
    default:
      return true
    }
  }
}
