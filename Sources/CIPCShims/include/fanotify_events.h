#ifndef CIPCSHIMS_FANOTIFY_EVENTS_H
#define CIPCSHIMS_FANOTIFY_EVENTS_H

#include <stddef.h>
#include <stdint.h>

// fanotify for `ipctool trace` (fanotify_events.c): a group that reports entries created in and
// removed from a watched directory, with their names and the calling thread, and its events
// read out of a buffer. Its variable-length records (an event, then info records) are walked in
// C, where their structs are declared.

// fanotify_init(FAN_CLASS_NOTIF | FAN_REPORT_DFID_NAME | FAN_REPORT_TID |
// FAN_CLOEXEC | FAN_NONBLOCK, O_RDONLY | O_CLOEXEC). -1 with errno on failure.
int ipcshim_fanotify_init(void);
// fanotify_mark(FAN_MARK_ADD) of the directory open as `directory`, for entries created,
// deleted or moved in or out. -1 with errno on failure.
int ipcshim_fanotify_mark_directory(int group, int directory);

// One event of a buffer read from the group.
struct ipcshim_fanotify_event {
  uint64_t mask;      // FAN_CREATE...: see the IPCSHIM_FAN_ constants
  int32_t pid;        // the thread that caused it (FAN_REPORT_TID), 0 if not visible here
  uint32_t name_at;   // the entry's name: offset in the buffer, and length (no NUL)
  uint32_t name_length;
};
#define IPCSHIM_FAN_CREATE 0x100u
#define IPCSHIM_FAN_DELETE 0x200u
#define IPCSHIM_FAN_MOVED_FROM 0x40u
#define IPCSHIM_FAN_MOVED_TO 0x80u
#define IPCSHIM_FAN_OVERFLOW 0x4000u

// Reads the event at `offset` of `buffer` (`length` bytes). Returns the offset of the next
// event, or 0 when none is complete there (or the records are malformed: the caller stops).
// An event without a name (an overflow) has name_length 0.
size_t ipcshim_fanotify_event_at(const uint8_t *_Nonnull buffer, size_t length, size_t offset,
                                 struct ipcshim_fanotify_event *_Nonnull event);

#endif
